"""``python -m bench``: time the key pages, the funding return PDF, concurrent approvals and the
funding-set calculation on SQLite and PostgreSQL, against the targets in README.md."""
