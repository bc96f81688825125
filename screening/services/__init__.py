"""Business logic of 免申即享 (proactive_benefit): screening runs, what-if runs, notices, entitlements and their claims.

Views, the API, the management commands and the queue's tasks all call these functions (``screening.services``).
Rules are never evaluated here: every figure comes from the policy engine (policy.services, imported as ``engine``)
and carries the engine's document number and article. The parts, by what each does:

- ``selection``: who may screen, which organisations a run covers, the bad-input error;
- ``parameters``: a what-if's changed parameters, checked and named;
- ``lifecycle``: a run started, split into batches that any queue worker takes, cancelled, run again, resumed;
- ``batching``: one batch evaluated and written with the run's progress, exactly once;
- ``copy_writer``: result rows as COPY text, written once;
- ``aggregation``: a what-if's aggregates, a screening run's totals kept per batch, the what-if comparison;
- ``exports``: a run's details as Excel and CSV;
- ``entities``: one entity's entitlements, claim states and notices.

Every name is re-exported here, so ``from screening import services; services.start_run(…)`` keeps working.
"""

from __future__ import annotations

# Names the single module imported, which callers reach through it (``services.Notice.DoesNotExist``, …)
from accounts import access  # noqa: F401
from core.audit import account, record  # noqa: F401
from policy import services as engine  # noqa: F401 - callers and tests reach the engine as services.engine
from registry.models import IndustryChain, Organization, Region  # noqa: F401
from screening.models import Notice, RunBatch, RunTotal, ScreeningResult, ScreeningRun, WhatIfAggregate  # noqa: F401
from screening.services.aggregation import (  # noqa: F401
    Totals,
    WhatIfComparison,
    _aggregate,
    _aggregate_arrays,
    _form_label,
    _keep_totals,
    _kept_totals,
    _region_names,
    counted_totals,
    entities_to_notify,
    totals,
    whatif_comparison,
)
from screening.services.batching import (  # noqa: F401
    _Batch,
    _batch_members,
    _commit_batch,
    _compute_batch,
    _evaluate_batch,
    _skipped_rows,
    _whatif_batch,
    finish_run,
)
from screening.services.copy_writer import (  # noqa: F401
    RESULT_COLUMNS,
    _copy_escape,
    _copy_lines,
    _result_rows,
    _write_results,
    missing_items,
)
from screening.services.entities import (  # noqa: F401
    ClaimState,
    _money,
    claim_states,
    describe,
    entitlements,
    entity_organization,
    latest_fact_year,
    mark_all_read,
    mark_read,
    notice_body,
    notices_for,
    send_notices,
)
from screening.services.exports import (  # noqa: F401
    DETAIL_TITLES,
    EXCEL_DETAIL_ROWS,
    _copy_csv,
    export_csv,
    export_detail_rows,
    export_excel,
)
from screening.services.lifecycle import (  # noqa: F401
    _cancelled,
    _claim,
    _execute_claimed,
    _fail,
    _Heartbeat,
    _run_batch,
    cancel_run,
    dispatch_run,
    execute_batch,
    execute_run,
    plan_batches,
    requeue_unfinished,
    rerun,
    resume_interrupted,
    start_run,
)
from screening.services.parameters import (  # noqa: F401
    describe_overrides,
    overrides_for_engine,
    parameter_title,
    validate_overrides,
)
from screening.services.selection import (  # noqa: F401
    ANY_PROVISION,
    BATCH_SIZE,
    EMPTY_SELECTION,
    HEARTBEAT_EVERY,
    STALE_AFTER,
    ScreeningInputError,
    _check_year,
    _region_q,
    can_screen,
    parse_id_list,
    resolve_organizations,
    selection,
    visible_runs,
)
