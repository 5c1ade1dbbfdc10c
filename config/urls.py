from django.conf import settings
from django.urls import URLPattern, URLResolver, include, path

from title_review.system.health import readyz

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("title_review.system.urls")),
    path("readyz", readyz, name="readyz"),  # beside system's healthz (title_review/system/health.py)
    path("accounts/", include("title_review.accounts.urls")),
    path("organisations/", include("title_review.organisations.urls")),
    path("dictionaries/", include("title_review.dictionaries.urls")),
    path("audit/", include("title_review.audit.urls")),
    path("rounds/", include("title_review.rounds.urls")),
    path("achievements/", include("title_review.achievements.urls")),
    path("declarations/", include("title_review.declarations.urls")),
    path("reviews/", include("title_review.reviews.urls")),
    path("committees/", include("title_review.committees.urls")),
    path("downloads/", include("title_review.jobs.urls")),
    path("certificates/", include("title_review.certificates.urls")),
    path("public/", include("title_review.portal.urls")),  # 公共服务门户 (no login)
    path("results/", include("title_review.results.urls")),
    path("printing/", include("title_review.printing.urls")),
    path("exchange/", include("title_review.exchange.urls")),
    path("exports/", include("title_review.exports.urls")),
    path("verification/", include("title_review.verification.urls")),
    path("attachments/", include("title_review.attachments.urls")),
    path("eligibility/", include("title_review.eligibility.urls")),
    path("", include("title_review.notifications.urls")),  # notifications/ and api/v1/notifications/
    path("api/", include("title_review.api.urls")),
]

handler403 = "title_review.system.views.error_403"
handler404 = "title_review.system.views.error_404"
handler500 = "title_review.system.views.error_500"

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
