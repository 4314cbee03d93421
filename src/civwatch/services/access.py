"""Who may read what: the one access rule every route of the app goes through.

`need(method, path, private_reads)` says what a request needs before any route runs, and
`refusal(need, principal)` why a caller does not have it. The app applies both to every request
(pages, their `.json` twins, the API, routes added later): a path not named here follows the
default, which is "anyone" or, with CIVWATCH_PRIVATE_READS, "a logged-in user or a token".
Case work is private always. Writes are checked again by their routes (role and CSRF).
"""

from __future__ import annotations

from enum import StrEnum

from civwatch.domain.taxonomy import Role
from civwatch.services.auth import Principal


class Need(StrEnum):
    NOTHING = "nothing"  # open to anyone, always
    READER = "reader"  # anyone, or with private reads a logged-in user / token holder
    CASE_ROLE = "case_role"  # a user holding a case-work role (any role but viewer)


# Open always: logging in, the static files, the API description, and the public harm report
# form (a civilian reports harm without an account; it reveals nothing).
OPEN_PATHS = frozenset({
    "/login", "/login.json", "/logout", "/favicon.ico", "/report-harm", "/report-harm.json",
    "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc",
    # missing persons: the family's report and follow-up forms, and the public figures (counts < 5 suppressed)
    "/missing-report", "/missing-report.json", "/missing-follow", "/missing-follow.json", "/missing-figures",
    "/missing-figures.json", "/api/missing-figures",
})
OPEN_PREFIXES = ("/static/",)
OPEN_WRITES = frozenset({("POST", "/api/public-reports"), ("POST", "/api/missing-reports"), ("POST", "/api/missing-follow")})
# Case files, timelines, people, the public-report queue, case measures and exports.
CASE_PREFIXES = ("/cases", "/api/cases", "/api/public-reports", "/missing", "/api/missing")
CASE_ROLES = frozenset(r for r in Role if r is not Role.VIEWER)


def need(method: str, path: str, private_reads: bool) -> Need:
    if path in OPEN_PATHS or path.startswith(OPEN_PREFIXES) or (method.upper(), path) in OPEN_WRITES:
        return Need.NOTHING
    if any(path == p or path.startswith(p + "/") or path.startswith(p + ".") for p in CASE_PREFIXES):
        return Need.CASE_ROLE
    return Need.READER if private_reads else Need.NOTHING


def refusal(needed: Need, principal: Principal | None) -> tuple[int, str] | None:
    """None when `principal` may go on; else (401 or 403, why)."""
    if needed is Need.NOTHING:
        return None
    if principal is None:
        if needed is Need.CASE_ROLE:
            return 401, "case work is private: log in (or send an API token) as a user with a case-work role"
        return 401, "this server's data is private: log in, or send an API token as 'Authorization: Bearer <token>'"
    if needed is Need.CASE_ROLE and not principal.has(*CASE_ROLES):
        return 403, "case work needs a case-work role (recorder, analyst, assessor, investigator, approver or admin)"
    return None
