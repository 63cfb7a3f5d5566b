"""Several staff opening returns at the same moment, through two app processes on one SQLite file
as a small office runs it: every page is answered and every view is in the audit log.

Each view writes its audit line after reading the return. On SQLite a transaction that has read
can never become a writer once anyone else has committed, so without care some of these views
fail with "database is locked" (a 500) under exactly this load."""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import func, select

from sv_grants.audit.models import AuditEvent
from sv_grants.auth.models import Role
from sv_grants.extensions import db

from ..conftest import sign_in
from ..grants.factories import funded
from ..helpers import open_round

VIEWS_EACH = 25


def test_staff_opening_returns_at_once_are_all_answered_and_audited(make_app: Any, make_user: Any) -> None:
    workers = [make_app(), make_app()]
    made = funded(workers[0], open_round(workers[0]), make_user)
    slug = "svpf-2024-25"
    people = [made.finance, made.finance2, made.officer, make_user(Role.PCC_VIEWER, email="pcc@example.org")]
    clients = []
    for number, person in enumerate(people):
        client = workers[number % 2].test_client()
        sign_in(client, person)
        clients.append(client)
    statuses: list[int] = []
    lock = threading.Lock()

    def open_returns(client: Any) -> None:
        for _ in range(VIEWS_EACH):
            status = client.get(f"/reports/{slug}/funding/to-date").status_code
            with lock:
                statuses.append(status)

    threads = [threading.Thread(target=open_returns, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(set(statuses)) == [200]
    assert len(statuses) == VIEWS_EACH * len(clients)
    with workers[0].app_context():
        audited = db.session.scalar(select(func.count()).where(AuditEvent.action == "report.downloaded"))
    assert audited == VIEWS_EACH * len(clients)
