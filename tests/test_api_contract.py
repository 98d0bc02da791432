"""The API keeps its published contract: schemathesis runs every operation of /api/schema/ (reads and
writes, on the test database) with schema-valid and schema-violating input, as an administrator with a
token, and checks: no server error, every status code declared, the declared content type, the body
matching the declared schema, and input that the schema forbids refused.

Not checked: that every schema-valid input is accepted (`positive_data_acceptance`): a region code must
exist, a credit code's check digit must be right, a range's end must follow its start — rules a schema
cannot state, answered with a 400 that names the field, which is declared.

Bounded for the suite: a few examples per operation and mode, no shrinking, derandomized (the same
requests every run). Three on PostgreSQL, the production database; one on SQLite, where the schema,
serializers and views are the same code and the test was the suite's longest (about 6 of its
minutes for ~1,000 operations; docs/performance.md, "Test suite"). YINGJI_CONTRACT_EXAMPLES sets the
count for a deeper run by hand.
"""

import os
import time

import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from tests.samples import make_record
from yingji.core.framework.registry import registries

EXAMPLES = os.environ.get("YINGJI_CONTRACT_EXAMPLES")  # None: by database (below)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          negative_data_rejection]
MODES = (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)
# Not in the schema, so not run: /api/incidents/open/ and /api/incidents/<id>/situation/, plain Django JSON
# views for the pages that will move onto declared operations.
LEFT_OUT: set[str] = set()  # operations left out, each with why (none now)


def examples_per_operation() -> int:
    from django.db import connection

    return int(EXAMPLES) if EXAMPLES else 3 if connection.vendor == "postgresql" else 1


def run_operation(operation, mode, headers, failures):
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=examples_per_operation(), deadline=None, derandomize=True, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    def examples(case):
        try:
            case.call_and_validate(headers=headers, checks=CHECKS)
        except FailureGroup as group:  # collected, so that one run shows every kind of violation at once
            curl = case.as_curl_command(headers={"Authorization": "Token …"})
            failures.extend(f"{operation.label} [{mode.value}] {f.code} {f.title}: {f.message.strip()}\n  {curl}"
                            for f in group.exceptions)

    try:
        examples()
    except Unsatisfiable:  # nothing to negate (no parameters, free-form strings only): nothing to check
        pass


def test_every_operation_keeps_the_published_contract(tree, orgs, users, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]  # the host schemathesis's WSGI client sends
    for reg in registries():  # one record in every registry, so details, lists and maps have rows
        make_record(reg, tree["va"], orgs["a"])
    headers = {"Authorization": f"Token {Token.objects.create(user=users['admin']).key}"}
    # A WSGI request would close the test's connection inside its transaction when it starts and ends;
    # Django's own test client disconnects these signals the same way.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    failures = []
    try:
        schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", WSGIHandler())
        operations = [op for op in (result.ok() for result in schema.get_all_operations()) if op.label not in LEFT_OUT]
        timings = []
        for operation in operations:
            for mode in MODES:
                t0 = time.perf_counter()
                run_operation(operation, mode, headers, failures)
                timings.append((time.perf_counter() - t0, operation.label, mode.value))
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    if os.environ.get("YINGJI_CONTRACT_REPORT"):  # every violation and the slowest operations, for a run by hand
        with open(os.environ["YINGJI_CONTRACT_REPORT"], "w", encoding="utf-8") as out:
            out.write("\n".join(failures) + "\n\n" + "\n".join(f"{t:.2f}s {label} {mode}" for t, label, mode in
                                                             sorted(timings, reverse=True)))
    assert len(operations) > 100
    assert not failures, f"{len(failures)} contract violations:\n" + "\n".join(failures[:40])
