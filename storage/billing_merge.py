"""The billing import's writing half: validated records are loaded into staging tables (by
PostgreSQL's COPY, or batched inserts on SQLite), checked against each other and the database
by set-based queries, and merged into the tables by natural key, a statement per table and
step whatever the file's size. Counts of what was created, updated and removed come from the
statements themselves.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    ColumnElement,
    CompoundSelect,
    Integer,
    MetaData,
    Select,
    String,
    Table,
    and_,
    case,
    delete,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    true,
    union,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import Subquery

from domain.model import OWN_SOURCES, NotificationKind, ReadingStatus
from storage import tables as t
from storage.billing_stream import MAX_PROBLEMS
from storage.repositories.notifications import SqlNotificationRepository
from storage.types import UtcDateTime

BATCH = 5_000  # rows a staging table takes at a time
ANALYZE_AFTER = 1_000  # rows added to a table that make its statistics stale

_stages = MetaData()


def _stage(name: str, *columns: str | Column[Any] | tuple[Table, str]) -> Table:
    """A staging table: the file's order (``seq``), the record's place for a problem, and its
    fields in the types of the columns they go to (a name alone: a natural key as the file
    gives it, such as an account's number)."""
    made = [
        Column(c, String)
        if isinstance(c, str)
        else c
        if isinstance(c, Column)
        else Column(c[1], c[0].c[c[1]].type)
        for c in columns
    ]
    return Table(
        f"stage_{name}",
        _stages,
        Column("seq", Integer),
        Column("place", String),
        *made,
        prefixes=["TEMPORARY"],
    )


def _like(table: Table, *names: str) -> list[tuple[Table, str]]:
    return [(table, name) for name in names]


SUPPLIER_FIELDS = (
    "name",
    "inn",
    "bank_name",
    "bic",
    "settlement_account",
    "correspondent_account",
)
ACCOUNT_FIELDS = (
    "kind",
    "address",
    "owner_name",
    "total_area",
    "living_area",
    "registered_persons",
    "link_code",
)
CONTRACT_FIELDS = ("supplier_account_number", "tariff_name", "tariff_value", "tariff_unit")
METER_FIELDS = (
    "service",
    "unit",
    "digits_before",
    "digits_after",
    "zone_count",
    "verified_until",
)
READING_FIELDS = ("value", "billing_month", "source", "status", "used_in", "reason")
READING_OUTCOME = ("status", "used_in", "reason")
BILL_SUPPLIER_FIELDS = (
    "debt_start",
    "paid",
    "charged",
    "social_support",
    "corrections",
    "to_pay",
    "penalties",
)
BILL_SERVICE_FIELDS = (
    "service",
    "unit",
    "quantity",
    "tariff",
    "price_per_unit",
    "debt_start",
    "paid",
    "charged",
    "social_support",
    "corrections",
    "debt_end",
)

s_suppliers = _stage("suppliers", *_like(t.suppliers, "code", *SUPPLIER_FIELDS))
s_accounts = _stage("accounts", *_like(t.accounts, "number", *ACCOUNT_FIELDS))
CONTRACT = ("account", "supplier", (t.contracts, "service"))
s_contracts = _stage("contracts", *CONTRACT, *_like(t.contracts, *CONTRACT_FIELDS))
s_tariffs = _stage("tariffs", *CONTRACT, *_like(t.tariffs, "starts_on", "value", "period"))
s_rates = _stage(
    "rates",
    *CONTRACT,
    (t.tariffs, "starts_on"),
    *_like(t.tariff_rates, "zone", "above", "value"),
)
s_meters = _stage(
    "meters",
    "account",
    (t.meters, "number"),
    Column("contract_given", Boolean),
    "contract_supplier",
    "contract_service",
    *_like(t.meters, *METER_FIELDS),
)
s_readings = _stage(
    "readings",
    "account",
    "meter",
    *_like(t.readings, "zone", "taken_at", *READING_FIELDS),
)
s_bills = _stage("bills", "account", (t.bills, "period"))
s_bill_suppliers = _stage(
    "bill_suppliers",
    "account",
    (t.bills, "period"),
    "supplier",
    *_like(t.bill_suppliers, *BILL_SUPPLIER_FIELDS),
)
s_bill_services = _stage(
    "bill_services",
    "account",
    (t.bills, "period"),
    "supplier",
    *_like(t.bill_services, "position", *BILL_SERVICE_FIELDS),
)
s_payments = _stage(
    "payments",
    "id",
    *_like(t.payments, "provider_payment_id", "paid_at", "amount"),
    "account",
)
s_payment_items = _stage(
    "payment_items",
    "payment",
    *CONTRACT,
    (t.payment_items, "amount"),
)
s_faq = _stage("faq", *_like(t.faq_entries, "locale", "position", "question", "answer"))
# Ids a step of the merge finds once and its next statements go by (the tariffs whose rates
# change, the children a file still lists), where a subquery would run again for each row.
s_ids = Table(
    "stage_ids",
    _stages,
    Column("id", Integer, primary_key=True),
    prefixes=["TEMPORARY"],
)

# What names a record: two with the same key in one file are refused, naming both.
KEYS: dict[Table, tuple[str, ...]] = {
    s_suppliers: ("code",),
    s_accounts: ("number",),
    s_contracts: ("account", "supplier", "service"),
    s_tariffs: ("account", "supplier", "service", "starts_on"),
    s_meters: ("account", "number"),
    s_readings: ("account", "meter", "zone", "taken_at"),
    s_bills: ("account", "period"),
    s_bill_suppliers: ("account", "period", "supplier"),
    s_payments: ("id",),
    s_payment_items: ("payment", "supplier", "service"),
    s_faq: ("locale", "position"),
}


class Staging:
    """The staging tables of one import, on its connection: rows are taken in batches, each
    in the form its column keeps (kopecks, UTC), as the dialect's own binding would give it."""

    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection
        self.postgres = connection.dialect.name == "postgresql"
        self._rows: dict[Table, list[tuple[Any, ...]]] = {
            table: [] for table in _stages.tables.values()
        }
        self._seq = 0
        self.staged: set[Table] = set()  # the tables given rows
        self._convert = {table: self._converter(table) for table in self._rows}

    def _converter(self, table: Table) -> Callable[[tuple[Any, ...]], tuple[Any, ...]]:
        processors = [
            (i, p)
            for i, column in enumerate(table.c)
            if (p := column.type.bind_processor(self.connection.dialect)) is not None
        ]

        def convert(row: tuple[Any, ...]) -> tuple[Any, ...]:
            values = list(row)
            for i, process in processors:
                if values[i] is not None:
                    values[i] = process(values[i])
            return tuple(values)

        return convert

    async def create(self) -> None:
        for table in _stages.tables.values():
            # SQLite keeps a temporary table for the connection's life, past a rollback.
            await self.connection.exec_driver_sql(f"DROP TABLE IF EXISTS {table.name}")
        await self.connection.run_sync(_stages.create_all)

    async def drop(self) -> None:
        for table in _stages.tables.values():
            await self.connection.exec_driver_sql(f"DROP TABLE IF EXISTS {table.name}")

    async def add(self, table: Table, place: str | None, *values: Any) -> None:
        self._seq += 1
        self.staged.add(table)
        rows = self._rows[table]
        rows.append((self._seq, place, *values))
        if len(rows) >= BATCH:
            await self._flush(table)

    async def finish(self) -> None:
        for table in self._rows:
            await self._flush(table)
        for table in self.staged:
            # A staged record is looked up by its key, by the checks (a record named twice,
            # one that refers to another of the file): without an index SQLite would scan
            # the table for each record. Built once the rows are in, it costs one sort.
            if table in KEYS:
                columns = ", ".join(KEYS[table])
                await self.connection.exec_driver_sql(
                    f"CREATE INDEX ix_{table.name}_key ON {table.name} ({columns})"
                )
            if self.postgres:  # the planner knows nothing of a temporary table until told
                await self.connection.exec_driver_sql(f"ANALYZE {table.name}")

    async def _flush(self, table: Table) -> None:
        rows, self._rows[table] = self._rows[table], []
        if not rows:
            return
        convert = self._convert[table]
        converted = [convert(row) for row in rows]
        names = [c.name for c in table.c]
        if self.postgres:
            raw = await self.connection.get_raw_connection()
            await raw.driver_connection.copy_records_to_table(  # type: ignore[union-attr]
                table.name, records=converted, columns=names
            )
        else:
            marks = ", ".join("?" for _ in names)
            await self.connection.exec_driver_sql(
                f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({marks})", converted
            )


# --- Checks ---------------------------------------------------------------------------------


async def problems(staging: Staging) -> list[str]:
    """What the staged records get wrong together: a record named twice, a reference to
    what neither the file nor the database holds."""
    connection, found = staging.connection, list[str]()
    for table, key in KEYS.items():
        if table in staging.staged:
            found += await _repeated(connection, table, key, MAX_PROBLEMS - len(found))
    for table, query in _unknown():
        if len(found) >= MAX_PROBLEMS:
            break
        if table not in staging.staged:
            continue
        rows = await connection.execute(query.limit(MAX_PROBLEMS - len(found)))
        found += [row[0] for row in rows]
    return found


async def _repeated(
    connection: AsyncConnection, table: Table, key: Sequence[str], limit: int
) -> list[str]:
    if limit <= 0:
        return []
    partition = [table.c[k] for k in key]
    ranked = select(
        table.c.seq,
        table.c.place,
        func.first_value(table.c.place)
        .over(partition_by=partition, order_by=table.c.seq)
        .label("first"),
        func.row_number().over(partition_by=partition, order_by=table.c.seq).label("n"),
    ).subquery()
    rows = await connection.execute(
        select(ranked.c.place, ranked.c.first)
        .where(ranked.c.n > 1)
        .order_by(ranked.c.seq)
        .limit(limit)
    )
    return [f"{place}: the same record as {first}" for place, first in rows]


# Each "unknown" is NOT EXISTS in the tables and NOT EXISTS among the staged records, joined
# by AND: the planner makes each an anti-join (under an OR it would scan per record).


def _unknown_account(number: ColumnElement[Any]) -> ColumnElement[bool]:
    return and_(
        ~exists().where(t.accounts.c.number == number),
        ~exists().where(s_accounts.c.number == number),
    )


def _unknown_supplier(code: ColumnElement[Any]) -> ColumnElement[bool]:
    return and_(
        ~exists().where(t.suppliers.c.code == code),
        ~exists().where(s_suppliers.c.code == code),
    )


def _unknown_contract(
    account: ColumnElement[Any], supplier: ColumnElement[Any], service: ColumnElement[Any]
) -> ColumnElement[bool]:
    kept = (
        select(t.contracts.c.id)
        .join(t.accounts, t.accounts.c.id == t.contracts.c.account_id)
        .join(t.suppliers, t.suppliers.c.id == t.contracts.c.supplier_id)
        .where(
            t.accounts.c.number == account,
            t.suppliers.c.code == supplier,
            t.contracts.c.service == service,
        )
    )
    staged = exists().where(
        s_contracts.c.account == account,
        s_contracts.c.supplier == supplier,
        s_contracts.c.service == service,
    )
    return and_(~kept.exists(), ~staged)


def _no_contract(
    place: ColumnElement[str],
    account: ColumnElement[Any],
    supplier: ColumnElement[Any],
    service: ColumnElement[Any],
) -> ColumnElement[str]:
    return (
        place
        + ": no contract of account '"
        + account
        + "' with supplier '"
        + supplier
        + "' for service '"
        + service
        + "'"
    )


def _unknown() -> list[tuple[Table, Select[Any]]]:
    """One query per reference a record makes, each giving the problem as a line."""

    def account(table: Table) -> tuple[Table, Select[Any]]:
        problem = table.c.place + ".account: unknown account '" + table.c.account + "'"
        return table, select(problem).where(_unknown_account(table.c.account))

    def supplier(table: Table) -> tuple[Table, Select[Any]]:
        problem = table.c.place + ".supplier: unknown supplier '" + table.c.supplier + "'"
        return table, select(problem).where(_unknown_supplier(table.c.supplier))

    m, i = s_meters.c, s_payment_items.c
    return [
        account(s_contracts),
        supplier(s_contracts),
        account(s_meters),
        (
            s_meters,
            select(
                _no_contract(
                    m.place + ".contract", m.account, m.contract_supplier, m.contract_service
                )
            ).where(
                m.contract_supplier.is_not(None),
                _unknown_contract(m.account, m.contract_supplier, m.contract_service),
            ),
        ),
        account(s_bills),
        supplier(s_bill_suppliers),
        account(s_payments),
        (
            s_payment_items,
            select(_no_contract(i.place, i.account, i.supplier, i.service)).where(
                _unknown_contract(i.account, i.supplier, i.service)
            ),
        ),
    ]


# --- Merging --------------------------------------------------------------------------------


class Merge:
    """Writes the staged records into the tables, parents first, counting as it goes."""

    def __init__(self, staging: Staging, now: datetime, news_from: date) -> None:
        self.connection = staging.connection
        self.staged = staging.staged
        self.now = now
        self.news_from = news_from  # a bill of a period before this is past its pay-by date
        self.counts: Counter[str] = Counter()
        self.notifications = SqlNotificationRepository(self.connection)

    async def run(self) -> Counter[str]:
        """The steps for the sections the file has (a file may carry only what changed)."""
        staged = self.staged
        if s_suppliers in staged:
            await self._merge(t.suppliers, _suppliers(), ("code",), SUPPLIER_FIELDS)
        if s_accounts in staged:
            await self._merge(t.accounts, _accounts(), ("number",), ACCOUNT_FIELDS)
        if s_contracts in staged:
            await self._merge(
                t.contracts,
                _contracts(),
                ("account_id", "supplier_id", "service"),
                CONTRACT_FIELDS,
            )
        if s_tariffs in staged:
            await self._merge(
                t.tariffs, _tariffs(), ("contract_id", "starts_on"), ("value", "period")
            )
            await self._rates()
        if s_meters in staged:
            await self._merge(
                t.meters, _meters(), ("account_id", "number"), (*METER_FIELDS, "contract_id")
            )
        if s_readings in staged:
            await self._readings()
        if s_bills in staged:
            await self._bills()
        if s_payments in staged:
            await self._payments()
        if s_faq in staged:
            await self._merge(t.faq_entries, _faq(), ("locale", "position"), ("question", "answer"))
        return self.counts

    async def _bills(self) -> None:
        """Bills, each block of a supplier, and its service lines, as the file has them: the
        blocks and lines a newer file no longer lists go."""
        await self._merge(t.bills, _bills(self.now), ("account_id", "period"), (), ("arrived_at",))
        await self._news()
        await self._merge(
            t.bill_suppliers, _bill_suppliers(), ("bill_id", "supplier_id"), BILL_SUPPLIER_FIELDS
        )
        await self._prune(
            t.bill_suppliers,
            t.bill_suppliers.c.bill_id,
            _bills_kept().c.id,
            _bill_suppliers(),
            ("bill_id", "supplier_id"),
        )
        await self._merge(
            t.bill_services,
            _bill_services(),
            ("bill_supplier_id", "position"),
            BILL_SERVICE_FIELDS,
        )
        await self._prune(
            t.bill_services,
            t.bill_services.c.bill_supplier_id,
            _bill_suppliers_kept().c.id,
            _bill_services(),
            ("bill_supplier_id", "position"),
        )

    async def _merge(
        self,
        table: Table,
        source: Subquery,
        key: Sequence[str],
        values: Sequence[str],
        only_new: Sequence[str] = (),
    ) -> None:
        """Rows of ``source`` into ``table`` by ``key``: those kept and different are updated,
        the rest inserted (``only_new``: what only a new row is given)."""
        matches = [table.c[k] == source.c[k] for k in key]
        if values:
            changed = or_(*(table.c[v].is_distinct_from(source.c[v]) for v in values))
            updated = await self.connection.execute(
                update(table).where(*matches, changed).values({v: source.c[v] for v in values})
            )
            self._count(table, "updated", updated.rowcount)
        columns = [*key, *values, *only_new]
        created = await self.connection.execute(
            insert(table).from_select(
                columns,
                select(*(source.c[c] for c in columns)).where(~exists().where(*matches)),
            )
        )
        self._count(table, "created", created.rowcount)
        await self._analyze(table, created.rowcount)

    async def _analyze(self, table: Table, added: int) -> None:
        """After a bulk of new rows, the planner is told of them before the next statement
        joins the table (it would plan for the table it saw before, nested loops over a
        table it thinks empty)."""
        if self.connection.dialect.name == "postgresql" and added >= ANALYZE_AFTER:
            await self.connection.exec_driver_sql(f"ANALYZE {table.name}")

    async def _prune(
        self,
        table: Table,
        parent: Column[Any],
        parents: ColumnElement[Any],
        listed: Subquery,
        key: Sequence[str],
    ) -> None:
        """Removes the children of the staged parents that the file no longer lists."""
        listed_ids = select(table.c.id).join(
            listed, and_(*(listed.c[k] == table.c[k] for k in key))
        )
        await self._found(listed_ids)
        kept = exists().where(s_ids.c.id == table.c.id)
        removed = await self.connection.execute(
            delete(table).where(parent.in_(select(parents)), ~kept)
        )
        self._count(table, "removed", removed.rowcount)

    async def _found(self, ids: Select[Any] | CompoundSelect) -> None:
        """``ids`` into ``s_ids``, in place of the step's before."""
        await self.connection.execute(delete(s_ids))
        await self.connection.execute(insert(s_ids).from_select(["id"], ids))

    def _count(self, table: Table, what: str, n: int) -> None:
        if n:
            self.counts[f"{table.name} {what}"] += n

    async def _rates(self) -> None:
        """A tariff's rates are given whole: where the file's differ from the kept ones, the
        kept go and the file's come."""
        staged, tariffs, rates = _rates(), _tariffs_kept(), t.tariff_rates.c

        columns = ("tariff_id", "zone", "above", "value")
        given = select(*(staged.c[c] for c in columns))
        kept = select(*(rates[c] for c in columns)).where(rates.tariff_id.in_(select(tariffs.c.id)))
        # EXCEPT compares whole rows, a zone left out (NULL) as equal to another left out.
        # Each EXCEPT a subquery of its own: SQLite takes no compound select in parentheses.
        only = [given.except_(kept).subquery(), kept.except_(given).subquery()]
        await self._found(union(*(select(o.c.tariff_id) for o in only)))
        ids = select(s_ids.c.id)
        removed = await self.connection.execute(
            delete(t.tariff_rates).where(rates.tariff_id.in_(ids))
        )
        self._count(t.tariff_rates, "removed", removed.rowcount)
        created = await self.connection.execute(
            insert(t.tariff_rates).from_select(
                columns,
                # A join, not IN: SQLite would take the list as the outer loop of a lookup
                # per staged rate and changed tariff.
                select(*(staged.c[c] for c in columns)).join(
                    s_ids, s_ids.c.id == staged.c.tariff_id
                ),
            )
        )
        self._count(t.tariff_rates, "created", created.rowcount)
        await self._analyze(t.tariff_rates, created.rowcount)

    async def _readings(self) -> None:
        """A reading of billing's own is kept as billing has it. One sent through the bot
        comes back with what billing did with it: found by its month (the bot keeps one a
        month), it takes the status, and the resident hears when billing replaced it."""
        own = _own_readings()
        replaced = select(own.c.id).where(
            own.c.status == ReadingStatus.REPLACED.value,
            own.c.kept_status != ReadingStatus.REPLACED.value,
        )
        await self.notifications.queue_readings_replaced(replaced, self.now)
        changed = or_(*(t.readings.c[v].is_distinct_from(own.c[v]) for v in READING_OUTCOME))
        updated = await self.connection.execute(
            update(t.readings)
            .where(t.readings.c.id == own.c.id, changed)
            .values({v: own.c[v] for v in READING_OUTCOME})
        )
        self._count(t.readings, "updated", updated.rowcount)
        await self._merge(
            t.readings, _billing_readings(), ("meter_id", "zone", "taken_at"), READING_FIELDS
        )

    async def _news(self) -> None:
        """A bill this import created is news to the residents linked to its account, until
        its pay-by date; a bill imported again, or an old one, is not."""
        created = _bills_kept()
        periods = await self.connection.execute(
            select(created.c.period)
            .where(created.c.arrived_at == self.now, created.c.period >= self.news_from)
            .distinct()
        )
        queued = 0
        for (period,) in periods.all():
            key = f"{NotificationKind.NEW_BILL}:{period:%Y-%m}"
            run = await self.notifications.broadcast(NotificationKind.NEW_BILL, key, self.now)
            queued += await self.notifications.queue_new_bills(
                run, f"{key}:account ", period, self.now, arrived_at=self.now
            )
        self._count(t.notifications, "queued", queued)

    async def _payments(self) -> None:
        """A payment made through the bot comes back from billing with YooKassa's id: it is
        completed (marked as in billing, with billing's id), not added a second time."""
        staged, p = _payments(), t.payments.c
        mine = p.provider_payment_id == staged.c.provider_payment_id
        values = ("account_id", "status", "amount", "paid_at", "in_billing")
        completed = await self.connection.execute(
            update(t.payments)
            .where(
                mine,
                or_(
                    p.external_id.is_distinct_from(staged.c.external_id),
                    *(p[v].is_distinct_from(staged.c[v]) for v in values),
                ),
            )
            .values(external_id=staged.c.external_id, **{v: staged.c[v] for v in values})
        )
        self._count(t.payments, "updated", completed.rowcount)
        await self._merge(t.payments, _payments(), ("external_id",), values, ("created_at",))
        await self._merge(
            t.payment_items, _payment_items(), ("payment_id", "contract_id"), ("amount",)
        )
        await self._prune(
            t.payment_items,
            t.payment_items.c.payment_id,
            _payments_kept().c.id,
            _payment_items(),
            ("payment_id", "contract_id"),
        )


# --- The staged records with the ids they resolve to ----------------------------------------
# Each a join of a staging table with the rows its natural keys name, for the planner to hash.


def _suppliers() -> Subquery:
    return select(s_suppliers).subquery()


def _accounts() -> Subquery:
    return select(s_accounts).subquery()


def _account(stage: Table) -> Select[Any]:
    """A select from ``stage`` joined to the account it names (``t.accounts``)."""
    return select().select_from(stage).join(t.accounts, t.accounts.c.number == stage.c.account)


def _contract(query: Select[Any], stage: Table) -> Select[Any]:
    """``query`` (with the account joined) joined to the contract ``stage`` names."""
    c = t.contracts.c
    return query.join(t.suppliers, t.suppliers.c.code == stage.c.supplier).join(
        t.contracts,
        and_(
            c.account_id == t.accounts.c.id,
            c.supplier_id == t.suppliers.c.id,
            c.service == stage.c.service,
        ),
    )


def _contracts() -> Subquery:
    s = s_contracts.c
    return (
        _account(s_contracts)
        .join(t.suppliers, t.suppliers.c.code == s.supplier)
        .add_columns(
            t.accounts.c.id.label("account_id"),
            t.suppliers.c.id.label("supplier_id"),
            s.service,
            *(s[f] for f in CONTRACT_FIELDS),
        )
        .subquery()
    )


def _tariffs() -> Subquery:
    s = s_tariffs.c
    return (
        _contract(_account(s_tariffs), s_tariffs)
        .add_columns(t.contracts.c.id.label("contract_id"), s.starts_on, s.value, s.period)
        .subquery()
    )


def _tariff(stage: Table) -> Select[Any]:
    """A staged tariff's or rate's record joined to the tariff kept for it."""
    return _contract(_account(stage), stage).join(
        t.tariffs,
        and_(
            t.tariffs.c.contract_id == t.contracts.c.id,
            t.tariffs.c.starts_on == stage.c.starts_on,
        ),
    )


def _tariffs_kept() -> Subquery:
    """The tariffs the file lists, as kept (after they were merged)."""
    return _tariff(s_tariffs).add_columns(t.tariffs.c.id).subquery()


def _rates() -> Subquery:
    s = s_rates.c
    return (
        _tariff(s_rates)
        .add_columns(t.tariffs.c.id.label("tariff_id"), s.zone, s.above, s.value)
        .subquery()
    )


def _meters() -> Subquery:
    s = s_meters.c
    kept, supplier, contract = t.meters.alias("kept"), t.suppliers.alias(), t.contracts.alias()
    return (
        _account(s_meters)
        .outerjoin(supplier, supplier.c.code == s.contract_supplier)
        .outerjoin(
            contract,
            and_(
                contract.c.account_id == t.accounts.c.id,
                contract.c.supplier_id == supplier.c.id,
                contract.c.service == s.contract_service,
            ),
        )
        .outerjoin(kept, and_(kept.c.account_id == t.accounts.c.id, kept.c.number == s.number))
        .add_columns(
            t.accounts.c.id.label("account_id"),
            s.number,
            *(s[f] for f in METER_FIELDS),
            # A contract left out keeps the meter's; "contract": null takes it away.
            case((s.contract_given, contract.c.id), else_=kept.c.contract_id).label("contract_id"),
        )
        .subquery()
    )


def _meter(stage: Table) -> Select[Any]:
    m = t.meters.c
    return _account(stage).join(
        t.meters, and_(m.account_id == t.accounts.c.id, m.number == stage.c.meter)
    )


def _own_readings() -> Subquery:
    """The bot's own readings that billing gives back, with the kept one of their month."""
    s, alias = s_readings.c, t.readings.alias("kept")
    kept = alias.c
    return (
        _meter(s_readings)
        .join(
            alias,
            and_(
                kept.meter_id == t.meters.c.id,
                kept.zone == s.zone,
                kept.billing_month == s.billing_month,
                kept.source.in_(OWN_SOURCES),
            ),
        )
        .where(s.source.in_(OWN_SOURCES))
        .add_columns(kept.id, kept.status.label("kept_status"), *(s[v] for v in READING_OUTCOME))
        .subquery()
    )


def _billing_readings() -> Subquery:
    """Billing's own readings, and the bot's sent before this database kept them."""
    s, alias = s_readings.c, t.readings.alias("kept")
    kept = alias.c
    own_month = and_(
        s.source.in_(OWN_SOURCES),
        kept.meter_id == t.meters.c.id,
        kept.zone == s.zone,
        kept.billing_month == s.billing_month,
        kept.source.in_(OWN_SOURCES),
    )
    return (
        _meter(s_readings)
        .outerjoin(alias, own_month)  # a join, not NOT EXISTS under an OR: hashed, not looped
        .where(kept.id.is_(None))
        .add_columns(
            t.meters.c.id.label("meter_id"), s.zone, s.taken_at, *(s[f] for f in READING_FIELDS)
        )
        .subquery()
    )


def _bills(now: datetime) -> Subquery:
    return (
        _account(s_bills)
        .add_columns(
            t.accounts.c.id.label("account_id"),
            s_bills.c.period,
            literal(now, UtcDateTime).label("arrived_at"),
        )
        .subquery()
    )


def _bill(stage: Table) -> Select[Any]:
    b = t.bills.c
    return _account(stage).join(
        t.bills, and_(b.account_id == t.accounts.c.id, b.period == stage.c.period)
    )


def _bills_kept() -> Subquery:
    return (
        _bill(s_bills).add_columns(t.bills.c.id, t.bills.c.period, t.bills.c.arrived_at).subquery()
    )


def _bill_supplier(stage: Table) -> Select[Any]:
    bs = t.bill_suppliers.c
    return (
        _bill(stage)
        .join(t.suppliers, t.suppliers.c.code == stage.c.supplier)
        .join(
            t.bill_suppliers,
            and_(bs.bill_id == t.bills.c.id, bs.supplier_id == t.suppliers.c.id),
        )
    )


def _bill_suppliers() -> Subquery:
    s = s_bill_suppliers.c
    return (
        _bill(s_bill_suppliers)
        .join(t.suppliers, t.suppliers.c.code == s.supplier)
        .add_columns(
            t.bills.c.id.label("bill_id"),
            t.suppliers.c.id.label("supplier_id"),
            *(s[f] for f in BILL_SUPPLIER_FIELDS),
        )
        .subquery()
    )


def _bill_suppliers_kept() -> Subquery:
    return _bill_supplier(s_bill_suppliers).add_columns(t.bill_suppliers.c.id).subquery()


def _bill_services() -> Subquery:
    s = s_bill_services.c
    return (
        _bill_supplier(s_bill_services)
        .add_columns(
            t.bill_suppliers.c.id.label("bill_supplier_id"),
            s.position,
            *(s[f] for f in BILL_SERVICE_FIELDS),
        )
        .subquery()
    )


def _payments() -> Subquery:
    s = s_payments.c
    return (
        _account(s_payments)
        .add_columns(
            s.id.label("external_id"),
            s.provider_payment_id,
            t.accounts.c.id.label("account_id"),
            literal("succeeded").label("status"),
            s.amount,
            s.paid_at,
            s.paid_at.label("created_at"),
            true().label("in_billing"),
        )
        .subquery()
    )


def _payments_kept() -> Subquery:
    return (
        select(t.payments.c.id)
        .where(t.payments.c.external_id.in_(select(s_payments.c.id)))
        .subquery()
    )


def _payment_items() -> Subquery:
    s = s_payment_items.c
    return (
        _contract(_account(s_payment_items), s_payment_items)
        .join(t.payments, t.payments.c.external_id == s.payment)
        .add_columns(
            t.payments.c.id.label("payment_id"), t.contracts.c.id.label("contract_id"), s.amount
        )
        .subquery()
    )


def _faq() -> Subquery:
    return select(s_faq).subquery()
