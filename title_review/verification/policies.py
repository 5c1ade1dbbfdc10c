"""Policy numbers of SMS codes and captchas.

These are national defaults kept as module constants for now; they become province settings
(title_review.core.policies) later, at which point the services read them through get_policy.
"""

# SMS verification codes.
SMS_CODE_LENGTH = 6
SMS_CODE_VALID_MINUTES = 10
SMS_COOLDOWN_SECONDS = 60  # per phone number and purpose
SMS_DAILY_LIMIT_PER_PHONE = 10  # codes per phone number per local calendar day, all purposes
SMS_DAILY_LIMIT_PER_IP = 50  # codes per client IP per local calendar day
SMS_MAX_FAILED_ATTEMPTS = 5  # wrong entries after which a code is void

# Image captchas (图形验证码).
CAPTCHA_MAX_PENDING = 5  # unanswered captchas kept per session; older ones are dropped
CAPTCHA_VALID_SECONDS = 10 * 60
CAPTCHA_MIN_LENGTH = 4
CAPTCHA_MAX_LENGTH = 5
