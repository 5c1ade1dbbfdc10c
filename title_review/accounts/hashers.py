"""Password hashing sized for a deadline surge (issue 12, ADR 0027).

Django's Argon2 default (100 MiB, 8 lanes) made a wave of logins queue every worker. OWASP's Password
Storage Cheat Sheet gives argon2id with m = 19 MiB, t = 2, p = 1 as its minimum configuration; we use it.
Hashes made with other parameters are rehashed with these at the holder's next successful sign-in
(Django compares the parameters in `must_update`).
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class SurgeArgon2PasswordHasher(Argon2PasswordHasher):
    algorithm = "argon2"  # the same encoded format: existing argon2 hashes verify and are upgraded
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
