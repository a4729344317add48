"""Business routes: webhooks, alert e-mail recipients, the delivery log, the workspace's
customer file (versioned) and actions, and the business section of a job's report."""

from __future__ import annotations

import io
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Depends, File, Form, Query, UploadFile, status
from fastapi.concurrency import run_in_threadpool

from voc.api.deps import (
    Admin,
    Analyst,
    Repo,
    Viewer,
    Workspace,
    WriteRepo,
    get_pool,
    get_settings,
    get_store,
)
from voc.api.ingest import read_limited
from voc.api.problems import AUTH_RESPONSES, PROBLEM
from voc.api.schemas_business import (
    ActionIn,
    ActionOut,
    BusinessOut,
    CustomerFileOut,
    CustomerFileUploaded,
    DeliveryOut,
    RecipientIn,
    RecipientOut,
    WebhookIn,
    WebhookOut,
)
from voc.config import Settings
from voc.delivery import deliver_pending
from voc.errors import InputError
from voc.io.actions import parse_action
from voc.io.customers import CustomerTable, read_customers, type_customers
from voc.jobs import AnalyzerPool
from voc.jobs.analyzers import taxonomy_of
from voc.store import ConflictError, Store
from voc.store.business import BusinessRepository, CustomerFileRecord

router = APIRouter(tags=["business"], responses=AUTH_RESPONSES)
SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[Store, Depends(get_store)]
INVALID: dict[int | str, dict[str, Any]] = {422: {"description": "Invalid input", **PROBLEM}}


def _business(repo: Repo) -> BusinessRepository:
    return BusinessRepository(repo.session, repo.workspace_id)


def _writing_business(repo: WriteRepo) -> BusinessRepository:
    return BusinessRepository(repo.session, repo.workspace_id)


Business = Annotated[BusinessRepository, Depends(_business)]
# Routes that write: their transaction begins as a writer (SQLite: one writer at a time).
WriteBusiness = Annotated[BusinessRepository, Depends(_writing_business)]


# --- webhooks ------------------------------------------------------------------------
@router.get(
    "/webhooks", response_model=list[WebhookOut], dependencies=[Admin], summary="List webhooks"
)
def list_webhooks(business: Business) -> list[WebhookOut]:
    return [WebhookOut.model_validate(w) for w in business.list_webhooks()]


@router.post(
    "/webhooks",
    response_model=WebhookOut,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Admin],
    summary="Register a URL that receives every new alert, HMAC-signed with the secret",
    responses=INVALID,
)
def create_webhook(body: WebhookIn, business: WriteBusiness) -> WebhookOut:
    return WebhookOut.model_validate(business.add_webhook(body.url, body.secret, body.description))


@router.delete(
    "/webhooks/{webhook_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[Admin],
    summary="Remove a webhook and its delivery log",
)
def delete_webhook(webhook_id: str, business: WriteBusiness) -> None:
    business.delete_webhook(webhook_id)


@router.post(
    "/webhooks/{webhook_id}/enable",
    response_model=WebhookOut,
    dependencies=[Admin],
    summary="Re-enable a webhook disabled after repeated failures; its waiting alerts follow",
)
def enable_webhook(
    webhook_id: str,
    business: WriteBusiness,
    background: BackgroundTasks,
    store: StoreDep,
    settings: SettingsDep,
) -> WebhookOut:
    record = business.enable_webhook(webhook_id)
    background.add_task(deliver_pending, store, settings, business.workspace_id)
    return WebhookOut.model_validate(record)


# --- e-mail recipients ------------------------------------------------------------------
@router.get(
    "/alert-recipients",
    response_model=list[RecipientOut],
    dependencies=[Admin],
    summary="Owner -> e-mail table of alert digests",
)
def list_recipients(business: Business) -> list[RecipientOut]:
    return [RecipientOut.model_validate(r) for r in business.list_recipients()]


@router.post(
    "/alert-recipients",
    response_model=RecipientOut,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Admin],
    summary="Send an owner's alerts to an address: at once, daily or weekly digests",
    responses={409: {"description": "Already mapped", **PROBLEM}, **INVALID},
)
def create_recipient(body: RecipientIn, business: WriteBusiness) -> RecipientOut:
    for r in business.list_recipients():
        if r.owner.casefold() == body.owner.casefold() and r.email == body.email:
            raise ConflictError(f"{body.email} already gets the alerts of {r.owner!r}")
    return RecipientOut.model_validate(
        business.add_recipient(body.owner, body.email, body.frequency)
    )


@router.delete(
    "/alert-recipients/{recipient_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[Admin],
    summary="Stop sending an owner's alerts to this address",
)
def delete_recipient(recipient_id: str, business: WriteBusiness) -> None:
    business.delete_recipient(recipient_id)


@router.get(
    "/deliveries",
    response_model=list[DeliveryOut],
    dependencies=[Admin],
    summary="The delivery log: each alert per webhook and per e-mail address, newest first",
)
def list_deliveries(
    business: Business,
    channel: Annotated[str | None, Query(pattern="^(webhook|email)$")] = None,
    target: Annotated[str | None, Query(max_length=320)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[DeliveryOut]:
    return [DeliveryOut.model_validate(d) for d in business.list_deliveries(channel, target, limit)]


# --- customer files -----------------------------------------------------------------------
def _check_customers(
    content: bytes,
    filename: str,
    key: str | None,
    revenue: str | None,
    owner: str | None,
    settings: Settings,
) -> tuple[CustomerTable, int, str | None, str | None]:
    """Read the file; with a key, check the accounts (duplicates, revenue) as a job will."""
    table = read_customers(io.BytesIO(content), filename=filename, settings=settings)
    if key is None:
        return table, len(table.cells), revenue, owner
    typed = type_customers(table, key, revenue=revenue, owner=owner)
    return table, len(typed.accounts), typed.revenue, typed.owner


@router.post(
    "/customers",
    response_model=CustomerFileUploaded,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Analyst],
    summary="Upload the customer file (one row per account); stored as the next version",
    responses={413: {"description": "Over the size limit", **PROBLEM}, **INVALID},
)
async def upload_customers(
    file: Annotated[UploadFile, File(description="CSV/TSV or XLSX, one row per account")],
    workspace: Workspace,
    settings: SettingsDep,
    key: Annotated[str | None, Form(max_length=200)] = None,
    revenue_column: Annotated[str | None, Form(max_length=200)] = None,
    owner_column: Annotated[str | None, Form(max_length=200)] = None,
) -> CustomerFileUploaded:
    """Later analyses join it to their responses by ``key`` (or the column both share by
    name and values) and report the business section; answers sent to ``POST
    /v1/responses`` get their owner from it."""
    content = await read_limited(file, settings)
    filename = file.filename or "customers.csv"
    table, accounts, revenue, owner = await run_in_threadpool(
        _check_customers, content, filename, key, revenue_column, owner_column, settings
    )

    def save() -> CustomerFileRecord:
        # A short write transaction, after the file is read and checked (never while bytes
        # still arrive from the client).
        with workspace.writing() as repo:
            return _business(repo).add_customer_file(
                filename,
                content,
                key=key,
                revenue_column=revenue,
                owner_column=owner,
                accounts=accounts,
            )

    record = await run_in_threadpool(save)
    return CustomerFileUploaded(
        file=CustomerFileOut.model_validate(record), columns=table.columns, notes=list(table.notes)
    )


@router.get(
    "/customers/versions",
    response_model=list[CustomerFileOut],
    dependencies=[Viewer],
    summary="Every customer-file version (the latest is used)",
)
def list_customer_files(business: Business) -> list[CustomerFileOut]:
    return [CustomerFileOut.model_validate(c) for c in business.list_customer_files()]


# --- actions ------------------------------------------------------------------------------
@router.get("/actions", response_model=list[ActionOut], dependencies=[Viewer], summary="Actions")
def list_actions(business: Business) -> list[ActionOut]:
    return [ActionOut.model_validate(a) for a in business.list_actions()]


@router.post(
    "/actions",
    response_model=ActionOut,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Analyst],
    summary="Record an action (campaign, training) whose effect later reports follow up",
    responses=INVALID,
)
def create_action(
    body: ActionIn, repo: WriteRepo, pool: Annotated[AnalyzerPool, Depends(get_pool)]
) -> ActionOut:
    """The theme, when given, must be a theme of the workspace's current taxonomy."""
    action = parse_action(body.model_dump(), "action")
    if action.theme is not None:
        ids = taxonomy_of(repo.latest_taxonomy(), pool.base.taxonomy).ids
        if action.theme not in ids:
            raise InputError(f"unknown theme {action.theme!r}; themes: {list(ids)}")
    business = _business(repo)
    record = business.add_action(action.name, action.date, action.segment, action.theme)
    return ActionOut.model_validate(record)


@router.delete(
    "/actions/{action_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[Analyst],
    summary="Delete an action",
)
def delete_action(action_id: str, business: WriteBusiness) -> None:
    business.delete_action(action_id)


@router.get(
    "/jobs/{job_id}/business",
    response_model=BusinessOut,
    dependencies=[Viewer],
    summary="A job's business section: join, revenue at risk, NPS by attribute, actions",
    responses={409: {"description": "No report yet", **PROBLEM}},
)
def job_business(job_id: str, repo: Repo) -> BusinessOut:
    report = repo.run_report(job_id)
    return BusinessOut(job_id=job_id, business=report.get("business"))
