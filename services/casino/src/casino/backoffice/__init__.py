"""The operator's back office: web pages served by the casino (`casino backoffice`).

Server-rendered HTML (Starlette and Jinja2 templates, plain forms, no JavaScript
needed). It reads the casino's database, and changes state only by calling the same
functions as the operator API and the `casino` commands (`casino.protection`,
`casino.campaigns.granting`, `casino.providers.registry`, `casino.dead_letters`), so
every rule of theirs holds here too; what it records was set by `backoffice:<operator>`.

A request's walk: `app` (routes, signed session cookie, error pages) → a page module of
`pages/` → `auth` (who is signed in, read afresh from `casino_operators`) → for a form,
`guards.change` (signed in, the form's CSRF token (`csrf`), the operator role) → the
domain function → `audit_log` (who changed what, when) → a redirect back to the page.
"""
