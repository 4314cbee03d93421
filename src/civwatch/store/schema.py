"""The store's tables (SQLAlchemy Core). Migrations in `migrations/` create and evolve them.

Reports are the unit of import: one source's record, raw fields kept verbatim as JSON text.
Incidents group reports; until linkage runs, each report is its own incident.
Headline figures are kept as columns (low/best/high) so indicators are plain SQL aggregates.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    literal_column,
)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING)


def _figure(prefix: str) -> list[Column]:
    return [
        Column(f"{prefix}_low", Integer),
        Column(f"{prefix}_best", Integer),
        Column(f"{prefix}_high", Integer),
    ]


def _when_where() -> list[Column]:
    return [
        Column("date_start", Date, nullable=False),
        Column("date_end", Date, nullable=False),
        Column("date_precision", String(8), nullable=False, default="day"),
        Column("year", Integer, nullable=False),
        Column("month", String(7), nullable=False),  # YYYY-MM of date_start
        Column("country_iso3", String(3), nullable=False),
        Column("latitude", Float),
        Column("longitude", Float),
        Column("geo_precision", String(8), nullable=False, default="unknown"),
        Column("admin1", Text),
        Column("admin2", Text),
        Column("location", Text),
        Column("populated_area", Boolean),
    ]


import_batches = Table(
    "import_batches",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source_format", String(32), nullable=False),
    Column("file_name", Text, nullable=False),
    Column("file_sha256", String(64), nullable=False),
    Column("detected", Text),  # how the format was recognised
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Column("status", String(16), nullable=False, default="running"),
    Column("read", Integer, nullable=False, default=0),
    Column("accepted", Integer, nullable=False, default=0),
    Column("rejected", Integer, nullable=False, default=0),
    Column("updated", Integer, nullable=False, default=0),
    Column("unchanged", Integer, nullable=False, default=0),
    Column("imported_by", Text),
)

rejected_rows = Table(
    "rejected_rows",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("batch_id", Integer, ForeignKey("import_batches.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("line", Integer, nullable=False),
    Column("reason", Text, nullable=False),
    Column("raw", Text, nullable=False),  # JSON of the row as read
)

incidents = Table(
    "incidents",
    metadata,
    Column("id", Integer, primary_key=True),
    *_when_where(),
    *_figure("civilian_deaths"),
    *_figure("civilian_injuries"),
    Column("weapon", String(32), nullable=False, default="unknown"),
    Column("perpetrator_category", String(32), nullable=False, default="unknown"),
    Column("violence_type", String(16)),
    Column("grade", String(12), nullable=False, default="ungraded"),
    Column("grade_reasons", Text),  # JSON list
    Column("grade_override", String(12)),
    Column("grade_override_reason", Text),
    Column("responsibility_accepted", Boolean, nullable=False, default=False),
    Column("n_reports", Integer, nullable=False, default=1),
    Column("sources", Text, nullable=False, default=""),  # sorted, comma-joined source names
    Column("headline", Text),
    Column("manual", Boolean, nullable=False, default=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_incidents_year_country", "year", "country_iso3"),
    Index("ix_incidents_country_date", "country_iso3", "date_start"),
)

reports = Table(
    "reports",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("incident_id", Integer, ForeignKey("incidents.id"), nullable=False, index=True),
    Column("source", String(32), nullable=False),
    Column("source_id", String(128), nullable=False),
    Column("version", Integer, nullable=False, default=1),
    Column("batch_id", Integer, ForeignKey("import_batches.id")),
    Column("content_sha", String(64), nullable=False),
    *_when_where(),
    Column("admin3", Text),
    Column("country_code_received", String(16)),
    *_figure("civilian_deaths"),
    *_figure("civilian_injuries"),
    *_figure("total_deaths"),
    Column("weapon", String(32), nullable=False, default="unknown"),
    Column("violence_type", String(16)),
    Column("event_type", Text),
    Column("perpetrator_category", String(32), nullable=False, default="unknown"),
    Column("perpetrator_name", Text),
    Column("target_category", String(32)),
    Column("target_name", Text),
    Column("headline", Text),
    Column("notes", Text),
    Column("source_url", Text),
    Column("raw", Text, nullable=False),  # JSON object, every source field verbatim
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("source", "source_id", name="uq_reports_source_record"),
    Index("ix_reports_source_year", "source", "year"),
    Index("ix_reports_country_date", "country_iso3", "date_start"),
    Index("ix_reports_source_date", "source", "date_start"),  # twins on an incident's page (0026)
)

report_versions = Table(
    "report_versions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("report_id", Integer, ForeignKey("reports.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("batch_id", Integer, ForeignKey("import_batches.id")),
    Column("content_sha", String(64), nullable=False),
    Column("raw", Text, nullable=False),
    Column("replaced_at", DateTime(timezone=True), nullable=False),
)

report_parties = Table(
    "report_parties",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("report_id", Integer, ForeignKey("reports.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("name", Text, nullable=False),
    Column("category", String(32), nullable=False),
    Column("role", String(16), nullable=False),
    Column("source_code", Text),
)

harm = Table(
    "harm",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("report_id", Integer, ForeignKey("reports.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("outcome", String(12), nullable=False),
    Column("sex", String(8), nullable=False, default="unknown"),
    Column("age_group", String(8), nullable=False, default="unknown"),
    Column("civilian", Boolean, nullable=False, default=True),
    Column("low", Integer),
    Column("best", Integer, nullable=False),
    Column("high", Integer),
)

damaged_objects = Table(
    "damaged_objects",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("report_id", Integer, ForeignKey("reports.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("kind", String(16), nullable=False),
    Column("count", Integer, nullable=False, default=1),
    Column("description", Text),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("password_hash", Text, nullable=False),
    Column("roles", Text, nullable=False),  # comma-joined Role values
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False, index=True),
    Column("name", Text, nullable=False),
    Column("token_sha256", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_used_at", DateTime(timezone=True)),
    Column("revoked", Boolean, nullable=False, default=False),
    Column("expires_at", DateTime(timezone=True)),  # access (issue 11): a token stops working then
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", Integer, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", Text, nullable=False),
    Column("event", String(48), nullable=False),
    Column("entity", String(32), nullable=False),
    Column("entity_id", Text),
    Column("before", Text),  # JSON
    Column("after", Text),  # JSON
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False, unique=True),
)

# --- indicators (issue 4): a maintained aggregate ("cube") behind every indicator -----------
# Sums at two levels, "incident" (each linked incident once) and "report" (each source's
# reports), keyed by year, country and source(s), and sliced by at most one further dimension
# (`dim` / `value`: month, party category, weapon, grade, violence type or populated area;
# dim "" for none). Indicators sum these rows instead of scanning millions of reports; see
# docs/methodology.md#how-the-numbers-are-computed.

indicator_cube = Table(
    "indicator_cube",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("level", String(8), nullable=False),  # incident | report
    Column("dim", String(16), nullable=False),
    Column("value", String(32), nullable=False),
    Column("sources", String(200), nullable=False),  # report: its source; incident: sorted, comma-joined
    Column("year", Integer, nullable=False),
    Column("country_iso3", String(3), nullable=False),
    Column("n", Integer, nullable=False),  # incidents or reports
    Column("n_reports", Integer, nullable=False),  # reports behind them
    Column("n_deaths_known", Integer, nullable=False),
    Column("deaths_low", Integer, nullable=False),
    Column("deaths_best", Integer, nullable=False),
    Column("deaths_high", Integer, nullable=False),
    Column("n_injuries_known", Integer, nullable=False),
    Column("injuries_low", Integer, nullable=False),
    Column("injuries_best", Integer, nullable=False),
    Column("injuries_high", Integer, nullable=False),
    Column("n_disaggregated", Integer, nullable=False),  # with casualties by sex or age
    Column("casualties_disaggregated", Integer, nullable=False),
    Column("casualties_women_children", Integer, nullable=False),
    Column("casualties", Integer, nullable=False),  # civilian killed + injured (best)
    Column("casualties_ewipa", Integer, nullable=False),  # explosive weapon in a populated area
    Column("casualties_weapon_unknown", Integer, nullable=False),
    Column("casualties_place_unknown", Integer, nullable=False),
    Column("n_explosive", Integer, nullable=False),
    Column("n_weapon_known", Integer, nullable=False),  # base of the explosive share (0012_trust_errors)
    Column("n_populated", Integer, nullable=False),
    Column("n_populated_known", Integer, nullable=False),
    Index("ix_indicator_cube_slice", "level", "dim", "year", "country_iso3"),
)

indicator_cube_state = Table(
    "indicator_cube_state",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("fingerprint", String(200), nullable=False),  # what the store looked like when built
    Column("refreshed_at", DateTime(timezone=True), nullable=False),
    Column("rows", Integer, nullable=False),
)

# Keyset pagination of /api/incidents by date (issue 4).
Index("ix_incidents_date_start_id", incidents.c.date_start, incidents.c.id)
# The largest incidents of a country (briefs, /api/incidents?country=..&sort=-civilian_deaths):
# read in index order, no sort of the country's incidents. The expression is the page's sort key
# (store/incident_queries.SORTS), -1 written as a literal so SQLite matches it.
Index("ix_incidents_country_deaths", incidents.c.country_iso3,
      func.coalesce(incidents.c.civilian_deaths_best, literal_column("-1")), incidents.c.id)


# ---------------------------------------------------------------- imports (issue 3)

# Further rows of an event a file lists more than once (e.g. ACLED's one-row-per-actor
# exports): the report is counted once; each further row is kept here verbatim.
report_duplicates = Table(
    "report_duplicates",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("report_id", Integer, ForeignKey("reports.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("batch_id", Integer, ForeignKey("import_batches.id")),
    Column("line", Integer, nullable=False),
    Column("content_sha", String(64), nullable=False),
    Column("raw", Text, nullable=False),
)

# Victim lists (e.g. Airwars): PERSONAL DATA. Names and identity numbers live only here;
# never in reports.raw, logs, summaries, stats or public exports.
victims = Table(
    "victims",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("report_id", Integer, ForeignKey("reports.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("batch_id", Integer, ForeignKey("import_batches.id")),
    Column("line", Integer, nullable=False),
    Column("victim_key", Text),  # the list's own victim number
    Column("family_id", Text),
    Column("name", Text),
    Column("name_local", Text),
    Column("personal_id", Text),  # e.g. Gaza MoH ID number
    Column("age_years", Integer),
    Column("age_group", String(8), nullable=False, default="unknown"),
    Column("sex", String(8), nullable=False, default="unknown"),
    Column("pregnant", Boolean),
    Column("outcome", String(12), nullable=False),
    Column("raw", Text, nullable=False),  # the row verbatim (protected like the rest)
)

# UCDP/PRIO Armed Conflict Dataset: one row per conflict and year it was active.
conflict_years = Table(
    "conflict_years",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source", String(32), nullable=False, default="ucdp-acd"),
    Column("conflict_id", String(32), nullable=False),
    Column("year", Integer, nullable=False),
    Column("location", Text, nullable=False),
    Column("country_iso3", String(3)),  # first location's ISO3; all GW codes in gwno_loc
    Column("gwno_loc", Text, nullable=False),
    Column("side_a", Text, nullable=False),
    Column("side_b", Text, nullable=False),
    Column("incompatibility", Integer),
    Column("intensity_level", Integer),  # 1: 25-999 battle deaths, 2: 1000+
    Column("type_of_conflict", Integer),  # 1 extrasystemic, 2 interstate, 3 intrastate, 4 internationalised
    Column("region", Text),
    Column("batch_id", Integer, ForeignKey("import_batches.id")),
    Column("content_sha", String(64), nullable=False),
    Column("version", Integer, nullable=False, default=1),
    Column("raw", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("source", "conflict_id", "year", name="uq_conflict_years_record"),
    Index("ix_conflict_years_year", "year"),
)

# ---- CHMR case work (issue 7): cases, their moves, the people in them, the public queue ----
# Personal data (names, identifiers, contact) lives only in case_parties and the reporter_*
# columns of public_reports; services show it only to roles granted it.

cases = Table(
    "cases",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("incident_id", Integer, ForeignKey("incidents.id"), index=True),
    Column("public_report_id", Integer, ForeignKey("public_reports.id")),
    Column("origin", String(16), nullable=False),  # incident | typed | public
    Column("state", String(24), nullable=False, index=True),
    Column("version", Integer, nullable=False, default=1),  # optimistic concurrency
    Column("state_entered_at", DateTime(timezone=True), nullable=False),
    Column("reported_at", DateTime(timezone=True), nullable=False),
    Column("opened_by", Text, nullable=False),
    Column("summary", Text, nullable=False),
    Column("country_iso3", String(3)),
    Column("date_start", Date),
    Column("location", Text),
    Column("case_type", String(24), nullable=False),
    Column("civilian_deaths", Integer, nullable=False, default=0),
    Column("civilian_injuries", Integer, nullable=False, default=0),
    Column("children_harmed", Integer),  # NULL: children harmed, number unknown
    Column("sexual_violence", Boolean, nullable=False, default=False),
    Column("protected_objects", Text, nullable=False, default=""),  # comma-joined CivilianObject codes
    Column("evidence_grade", String(12), nullable=False, default="ungraded"),
    Column("assessment_outcome", String(24)),
    Column("assessed_by", Text),
    Column("assessment", Text),  # JSON of the current assessment
    Column("findings", Text),  # JSON (includes the investigation record)
    Column("harm_confirmed", Boolean),
    Column("ihl_concern", Boolean),
    Column("response", Text),  # JSON
    Column("response_kind", String(24)),
    Column("lesson", Text),  # JSON
    Column("lesson_status", String(16)),
    Column("closed_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

case_transitions = Table(
    "case_transitions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False, index=True),
    Column("version", Integer, nullable=False),  # the case's version after this move
    Column("from_state", String(24)),  # NULL for the opening
    Column("to_state", String(24), nullable=False),
    Column("action", String(48), nullable=False),
    Column("actor", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("reason", Text, nullable=False),
    Column("details", Text),  # JSON, never personal data
    UniqueConstraint("case_id", "version", name="uq_case_transitions_case_version"),
)

case_parties = Table(
    "case_parties",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False, index=True),
    Column("role", String(16), nullable=False),
    Column("name", Text),  # personal data
    Column("identifier", Text),  # personal data
    Column("contact", Text),  # personal data
    Column("relationship", Text),
    Column("added_by", Text, nullable=False),
    Column("added_at", DateTime(timezone=True), nullable=False),
)

public_reports = Table(
    "public_reports",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("received_at", DateTime(timezone=True), nullable=False, index=True),
    Column("client_hash", String(64), nullable=False, index=True),  # SHA-256 of the address, never the address
    Column("status", String(12), nullable=False, default="pending"),  # pending | accepted | rejected
    Column("summary", Text, nullable=False),
    Column("country_iso3", String(3)),
    Column("date_start", Date),
    Column("location", Text),
    Column("civilian_deaths", Integer, nullable=False, default=0),
    Column("civilian_injuries", Integer, nullable=False, default=0),
    Column("children_harmed", Integer),
    Column("sexual_violence", Boolean, nullable=False, default=False),
    Column("protected_objects", Text, nullable=False, default=""),
    Column("reporter_name", Text),  # personal data
    Column("reporter_contact", Text),  # personal data
    Column("reviewed_by", Text),
    Column("reviewed_at", DateTime(timezone=True)),
    Column("review_reason", Text),
    Column("case_id", Integer),
)

# --- linkage (issue 6): analysts' decisions that every later run keeps, and linkage state ---

link_decisions = Table(
    "link_decisions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(8), nullable=False),  # "merge" (must-link) | "split" (cannot-link)
    Column("report_a", Integer, ForeignKey("reports.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("report_b", Integer, ForeignKey("reports.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("actor", Text, nullable=False),
    Column("reason", Text),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("active", Boolean, nullable=False, default=True),  # a later contrary decision retires it
)

linkage_seen = Table(
    "linkage_seen",
    metadata,
    Column("report_id", Integer, ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
    Column("content_sha", String(64), nullable=False),  # a re-imported, changed report is linked anew
    Column("linked_at", DateTime(timezone=True), nullable=False),
)

incident_redirects = Table(
    "incident_redirects",
    metadata,
    Column("old_id", Integer, primary_key=True),  # an incident merged away ...
    Column("new_id", Integer, nullable=False, index=True),  # ... lives on as this one
    Column("at", DateTime(timezone=True), nullable=False),
)

# --- treaties (issue 12): actions of states on instruments, and forum membership events ---
# Status on any date is derived from these (domain.treaties.status_on, domain.forums.member_on);
# a later snapshot adds rows, never rewrites them, so history stays.

treaty_actions = Table(
    "treaty_actions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("instrument", String(24), nullable=False),  # pinned id: UNTC chapter-number or register id
    Column("country_iso3", String(3), nullable=False),
    Column("action", String(16), nullable=False),
    Column("action_date", Date, nullable=False),
    Column("name_as_received", Text, nullable=False),
    Column("source", String(16), nullable=False),  # untc-2015 | untc-2026 | csv
    Column("source_url", Text),
    Column("batch_id", Integer, ForeignKey("import_batches.id"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("instrument", "country_iso3", "action", "action_date", name="uq_treaty_actions_action"),
    Index("ix_treaty_actions_country", "country_iso3"),
)

forum_events = Table(
    "forum_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("forum", String(24), nullable=False),
    Column("country_iso3", String(3), nullable=False),
    Column("event", String(12), nullable=False),  # observed | joined | left | suspended
    Column("event_date", Date, nullable=False),
    Column("name_as_received", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("source_url", Text),
    Column("batch_id", Integer, ForeignKey("import_batches.id"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("forum", "country_iso3", "event", "event_date", name="uq_forum_events_event"),
)

treaty_snapshots = Table(
    "treaty_snapshots",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("instrument", String(24), nullable=False),
    Column("source", String(16), nullable=False),
    Column("snapshot", Date, nullable=False),  # the day the file describes: status known up to it
    Column("batch_id", Integer, ForeignKey("import_batches.id"), nullable=False),
    UniqueConstraint("instrument", "source", "snapshot", name="uq_treaty_snapshots_snapshot"),
)

treaty_listings = Table(  # who each UNTC snapshot lists: a party absent from a later one has probably left
    "treaty_listings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("instrument", String(24), nullable=False),
    Column("country_iso3", String(3), nullable=False),
    Column("snapshot", Date, nullable=False),
    Column("batch_id", Integer, ForeignKey("import_batches.id"), nullable=False),
    UniqueConstraint("instrument", "country_iso3", "snapshot", name="uq_treaty_listings_listing"),
)

# --- forecasts (issue 19): election dates, fitted models and the forecasts they made ---

elections = Table(
    "elections",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("country_iso3", String(3), nullable=False),
    Column("country_received", Text, nullable=False),
    Column("date", Date, nullable=False),  # as scheduled when the file was made
    Column("election", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("batch_id", Integer, ForeignKey("import_batches.id")),
    Column("content_sha", String(64), nullable=False),
    Column("raw", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("country_iso3", "date", "election", name="uq_elections_record"),
)

forecast_models = Table(
    "forecast_models",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("version", String(40), nullable=False),
    Column("level", String(8), nullable=False),  # country | admin1
    Column("fitted_at", DateTime(timezone=True), nullable=False),
    Column("fitted_by", Text, nullable=False),
    Column("data_fingerprint", String(64), nullable=False),
    Column("train_from", String(7), nullable=False),  # YYYY-MM
    Column("train_until", String(7), nullable=False),
    Column("units", Integer, nullable=False),
    Column("params", Text, nullable=False),  # JSON: features, model parameters, training rows
    Column("model", Text, nullable=False),  # JSON: LightGBM boosters as text, residual tables
    Column("backtest", Text),  # JSON: scores per horizon and model, CRPS per unit
)

forecast_values = Table(
    "forecast_values",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("model_id", Integer, ForeignKey("forecast_models.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("unit", Text, nullable=False),
    Column("country_iso3", String(3), nullable=False),
    Column("origin", String(7), nullable=False),
    Column("target", String(7), nullable=False),
    Column("horizon", Integer, nullable=False),
    Column("quantiles", Text),  # JSON {q05: ..., q95: ...}; null: not enough data
    Column("p_at_least_1", Float),
    Column("p_at_least_25", Float),
    Column("reason", Text),
    Column("made_at", DateTime(timezone=True), nullable=False),
    Index("ix_forecast_values_unit", "model_id", "unit", "horizon"),
)

# --- missions (issue 14): UN peace operations, their deployments, contributors, mandates ---
# Each table holds what the latest import of its file said (a re-import replaces it); every
# row keeps its batch, line and the row as read. Missions are keyed by acronym everywhere.

pko_missions = Table(
    "pko_missions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("acronym", String(32), nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("lead_department", String(16)),
    Column("active_received", String(8)),  # mission_isactive as published (may be stale)
    Column("start_date", Date),
    Column("end_date", Date),
    Column("end_date_source", Text),  # "DPPA list" or the correction's citation
    Column("location", Text),
    Column("latitude", Float),
    Column("longitude", Float),
    Column("aggregate_of", Text),  # comma-joined parts for an aggregate row (UNOSOM = I & II)
    Column("notes", Text),
    Column("source_updated", String(10)),
    Column("batch_id", Integer, ForeignKey("import_batches.id")),
    Column("line", Integer, nullable=False),
    Column("raw", Text, nullable=False),
)

pko_mission_countries = Table(
    "pko_mission_countries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("mission", String(32), nullable=False, index=True),
    Column("country_iso3", String(3)),
    Column("iso3_received", String(8)),
    Column("batch_id", Integer, ForeignKey("import_batches.id")),
    Column("line", Integer, nullable=False),
    Column("raw", Text, nullable=False),
)

pko_deployments = Table(
    "pko_deployments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("mission", String(32), nullable=False),
    Column("year", Integer, nullable=False),
    Column("country_name", Text),
    Column("country_iso3", String(3)),
    Column("location", Text, nullable=False),
    Column("latitude", Float, nullable=False),
    Column("longitude", Float, nullable=False),
    Column("infantry", Integer),
    Column("no_troops", Integer),
    Column("reserve", Integer),
    Column("ave_troops", Integer),  # Geo-PKO's yearly average for the location (same on each of its rows)
    Column("hq", Integer),
    Column("unpol", Integer),
    Column("med", Integer),
    Column("aviation", Integer),
    Column("unmo", Integer),
    Column("batch_id", Integer, ForeignKey("import_batches.id")),
    Column("line", Integer, nullable=False),
    Column("raw", Text, nullable=False),
    Index("ix_pko_deployments_mission_year", "mission", "year"),
)

pko_contributors = Table(
    "pko_contributors",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("mission", String(32), nullable=False),
    Column("year", Integer, nullable=False),
    Column("location", Text, nullable=False),
    Column("latitude", Float, nullable=False),
    Column("longitude", Float, nullable=False),
    Column("n_tcc", Integer),
    Column("overview", Text),  # Geo-PKO's free text, verbatim
    Column("batch_id", Integer, ForeignKey("import_batches.id")),
    Column("line", Integer, nullable=False),
    Column("raw", Text, nullable=False),
    Index("ix_pko_contributors_mission_year", "mission", "year"),
)

pko_contributions = Table(
    "pko_contributions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("contributor_id", Integer, ForeignKey("pko_contributors.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("mission", String(32), nullable=False),
    Column("year", Integer, nullable=False),
    Column("country_name", Text, nullable=False),  # as written
    Column("country_iso3", String(3), index=True),
    Column("size", Integer),  # None: size unknown or not given
    Column("size_text", Text, nullable=False),
)

pko_troop_types = Table(
    "pko_troop_types",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("mission", String(32), nullable=False),
    Column("year", Integer, nullable=False),
    Column("location", Text, nullable=False),
    Column("latitude", Float, nullable=False),
    Column("longitude", Float, nullable=False),
    Column("infantry", Integer),
    Column("eng", Integer),
    Column("med", Integer),
    Column("sig", Integer),
    Column("aviation", Integer),
    Column("riv", Integer),
    Column("maint", Integer),
    Column("trans", Integer),
    Column("batch_id", Integer, ForeignKey("import_batches.id")),
    Column("line", Integer, nullable=False),
    Column("raw", Text, nullable=False),
    Index("ix_pko_troop_types_mission_year", "mission", "year"),
)

pko_hks_months = Table(
    "pko_hks_months",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("conflict_id", String(16), nullable=False),
    Column("episode", String(16)),
    Column("gwno", String(8), nullable=False),
    Column("country_iso3", String(3), nullable=False),
    Column("year", Integer, nullable=False),
    Column("month", Integer, nullable=False),
    Column("mission", String(32), index=True),
    Column("pko", Boolean),
    Column("troops_lagged", Integer),  # persons, previous month (the file gives thousands)
    Column("police_lagged", Integer),
    Column("observers_lagged", Integer),
    Column("civilians_killed", Integer),  # UCDP one-sided violence, any actor, in the month
    Column("poc_mandate", Boolean),
    Column("robust_mandate", Boolean),
    Column("batch_id", Integer, ForeignKey("import_batches.id")),
    Column("line", Integer, nullable=False),
    Column("raw", Text, nullable=False),
)

pko_mandates = Table(
    "pko_mandates",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("mission", String(32), nullable=False, index=True),
    Column("kind", String(8), nullable=False),  # poc | robust
    Column("date_from", Date, nullable=False),
    Column("date_to", Date),  # None: runs (user list) / the source's last month otherwise
    Column("resolution", Text),
    Column("source", String(32), nullable=False),  # hks2013 | mission-mandates
    Column("note", Text),
    Column("batch_id", Integer, ForeignKey("import_batches.id")),
    Column("line", Integer),
    Column("raw", Text),
)

# --- evidence (issue 17): items kept content-addressed, their links, and the decision log ---
# An item's file lives under the evidence root at sha256/ab/cd/<sha256>; its custody is in
# audit_log (entity "evidence"). Links name incidents, reports and cases by id without foreign
# keys: an incident merged away is followed through incident_redirects.

evidence_items = Table(
    "evidence_items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sha256", String(64), nullable=False, unique=True),
    Column("kind", String(12), nullable=False),  # upload | capture
    Column("size", BigInteger),  # bytes; none for a capture not kept here
    Column("media_type", String(120)),  # detected from content
    Column("name", Text, nullable=False),  # the file name given (never a path)
    Column("description", Text),
    Column("source_url", Text),  # where a capture was made or is archived
    Column("captured_at", DateTime(timezone=True)),
    Column("meta", Text, nullable=False, default="{}"),  # JSON: EXIF, PDF info, WARC headers
    Column("added_by", Text, nullable=False),
    Column("added_at", DateTime(timezone=True), nullable=False),
    Column("tsa_token", LargeBinary),  # RFC 3161 TimeStampToken (DER) over sha256
    Column("tsa_time", DateTime(timezone=True)),
    Column("tsa_url", Text),
)

evidence_links = Table(
    "evidence_links",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("item_id", Integer, ForeignKey("evidence_items.id"), nullable=False),
    Column("target", String(12), nullable=False),  # incident | report | case
    Column("target_id", Integer, nullable=False),
    Column("linked_by", Text, nullable=False),
    Column("linked_at", DateTime(timezone=True), nullable=False),
    Column("reason", Text),
    UniqueConstraint("item_id", "target", "target_id", name="uq_evidence_links_item_target"),
    Index("ix_evidence_links_target", "target", "target_id"),
)

decisions = Table(
    "decisions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("system", Text, nullable=False),
    Column("system_version", Text, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("inputs", Text, nullable=False, default="[]"),  # JSON list of evidence item ids
    Column("output", Text, nullable=False),
    Column("confidence", Float),
    Column("reviewer", Text),  # none: no human reviewed it
    Column("decision", String(12), nullable=False),  # approved | overridden | aborted | unreviewed
    Column("rule", Text),
    Column("params", Text, nullable=False, default="{}"),  # JSON: model / rule parameters
    Column("decided_at", DateTime(timezone=True), nullable=False),
    Column("incident_id", Integer, index=True),
    Column("case_id", Integer, index=True),
    Column("recorded_by", Text, nullable=False),
    Column("audit_seq", Integer, unique=True),  # its entry in audit_log (set once, in the same transaction)
    Index("ix_decisions_system", "system"),
)

decision_subjects = Table(
    "decision_subjects",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("decision_id", Integer, ForeignKey("decisions.id"), nullable=False, index=True),
    Column("incident_id", Integer, nullable=False, index=True),
    Column("action", String(12), nullable=False),  # merge | split | grade
    Column("detail", Text, nullable=False),  # JSON
)

# --- textcounts (issue 22): harm by sex and age read from a report's own text ---

harm_extracted = Table(
    "harm_extracted",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("report_id", Integer, ForeignKey("reports.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("outcome", String(12), nullable=False),
    Column("sex", String(8), nullable=False),
    Column("age_group", String(8), nullable=False),
    Column("civilian", Boolean),  # NULL: the text does not say
    Column("low", Integer),
    Column("best", Integer),
    Column("high", Integer),
    Column("method", String(32), nullable=False),  # domain.textcounts.METHOD_VERSION: extracted, not coded
    Column("span_start", Integer, nullable=False),
    Column("span_end", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# --- parties (issue 25): the party register, one actor across sources ----------------------
# Every report party points at an actor through its source name: (reports.source,
# report_parties.name) -> actor_names -> actors. Merges and splits move name rows, so no report
# row is rewritten and analysts' decisions hold through every re-import.

actors = Table(
    "actors",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("canonical_name", Text, nullable=False),
    Column("category", String(32), nullable=False),  # PartyCategory
    Column("branch", String(16)),  # state forces: military | police | government | unspecified
    Column("state_iso3", String(3), index=True),  # state forces: the state they belong to
    Column("countries", Text, nullable=False, default=""),  # others: comma-joined ISO3 they operate in
    Column("auto_key", Text, unique=True),  # how builds find it again; NULL for analysts' actors
    Column("merged_into", Integer, ForeignKey("actors.id")),  # a merged-away actor lives on as this one
    Column("corrected", Boolean, nullable=False, default=False),  # an analyst set its fields; builds keep them
    Column("note", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

actor_names = Table(
    "actor_names",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source", String(32), nullable=False),
    Column("name", Text, nullable=False),  # exactly as the source writes it
    Column("actor_id", Integer, ForeignKey("actors.id"), index=True),  # NULL: unmatched, for an analyst
    Column("status", String(12), nullable=False),  # NameStatus
    Column("reason", Text, nullable=False),  # how it was matched, or why not
    Column("categories", Text, nullable=False, default=""),  # per-report categories seen, comma-joined
    Column("codes", Text, nullable=False, default=""),  # UCDP side ids / ACLED inter codes seen
    Column("period_from", Integer),  # ACLED's "(2019-)"
    Column("period_to", Integer),
    Column("unit", Text),  # ACLED's sub-unit after the period
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("source", "name", name="uq_actor_names_source_name"),
)

# Maintained from the register and the reports: which incidents each actor is the principal
# perpetrator of (GED side_a of one-sided violence, ACLED actor1 where the importer names a
# perpetrator), and the incident measures summed per actor, year, country and grade.
party_incidents = Table(
    "party_incidents",
    metadata,
    Column("actor_id", Integer, primary_key=True),
    Column("incident_id", Integer, primary_key=True, index=True),
)

party_facts = Table(
    "party_facts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("actor_id", Integer, nullable=False),
    Column("year", Integer, nullable=False),
    Column("country_iso3", String(3), nullable=False),
    Column("grade", String(12), nullable=False),
    Column("n", Integer, nullable=False),
    Column("n_deaths_known", Integer, nullable=False),
    Column("deaths_low", Integer, nullable=False),
    Column("deaths_best", Integer, nullable=False),
    Column("deaths_high", Integer, nullable=False),
    Column("n_injuries_known", Integer, nullable=False),
    Column("injuries_low", Integer, nullable=False),
    Column("injuries_best", Integer, nullable=False),
    Column("injuries_high", Integer, nullable=False),
    Column("casualties_disaggregated", Integer, nullable=False),
    Column("casualties_women_children", Integer, nullable=False),
    Column("casualties", Integer, nullable=False),
    Column("casualties_ewipa", Integer, nullable=False),
    Column("n_explosive", Integer, nullable=False),
    Column("n_weapon_known", Integer, nullable=False),
    Column("n_populated", Integer, nullable=False),
    Column("n_populated_known", Integer, nullable=False),
    Index("ix_party_facts_actor_year", "actor_id", "year"),
)

# Incidents of each state's forces (actors of category state forces of that state, not merged
# away), each once however many of those actors it names, with the incident's harm columns,
# keyed by state and date: screening reads a recipient's record in a window as one range of the
# key (store/screening.py). Rebuilt with
# party_facts, in the same transaction and at the same fingerprint (store/parties.refresh_facts),
# so it never disagrees with party_incidents, the register and the incidents.
party_forces_incidents = Table(
    "party_forces_incidents",
    metadata,
    Column("state_iso3", String(3), primary_key=True),
    Column("date_start", Date, primary_key=True),
    Column("incident_id", Integer, primary_key=True),
    Column("year", Integer, nullable=False),
    Column("weapon", String(32), nullable=False),
    Column("grade", String(12), nullable=False),  # the override when set
    Column("populated_area", Boolean),
    *_figure("civilian_deaths"),
    *_figure("civilian_injuries"),
    sqlite_with_rowid=False,  # stored in key order: a state's window is one contiguous range
)

# The kinds of objects those incidents damaged (one row per state, incident and kind).
party_forces_objects = Table(
    "party_forces_objects",
    metadata,
    Column("state_iso3", String(3), primary_key=True),
    Column("date_start", Date, primary_key=True),
    Column("incident_id", Integer, primary_key=True),
    Column("kind", String(16), primary_key=True),
    sqlite_with_rowid=False,
)

party_state = Table(
    "party_state",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("fingerprint", String(200), nullable=False),  # the store when party_facts were built
    Column("refreshed_at", DateTime(timezone=True), nullable=False),
    Column("unattributed", Integer, nullable=False, default=0),  # report parties without an actor then
)

# --- access (issue 11): server-side web sessions and the login attempts that throttle guessing ---

web_sessions = Table(
    "web_sessions",
    metadata,
    Column("id", String(64), primary_key=True),  # SHA-256 of the session id the cookie carries
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True)),  # logout, or the user disabled
)

login_attempts = Table(
    "login_attempts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("username", String(64), nullable=False, index=True),
    Column("address", String(64), nullable=False, index=True),  # keyed hash of the client address
    Column("ok", Boolean, nullable=False),
)

# A case's summary made public: an explicit, audited act of an approver (case work is private).
case_publications = Table(
    "case_publications",
    metadata,
    Column("case_id", Integer, ForeignKey("cases.id"), primary_key=True),
    Column("summary", Text, nullable=False),
    Column("published_by", Text, nullable=False),
    Column("published_at", DateTime(timezone=True), nullable=False),
)

# --- screening (issue 13): arms-export and assistance screening ---------------------------
# SIPRI trade-register rows (every row of a file accounted for by its import batch), and the
# assessments: application, configuration, evidence and criteria stored as JSON as they were
# made; a decided assessment is never updated again (a new one supersedes it).

sipri_transfers = Table(
    "sipri_transfers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("batch_id", Integer, ForeignKey("import_batches.id"), nullable=False, index=True),
    Column("line", Integer, nullable=False),
    Column("recipient", Text, nullable=False),
    Column("recipient_marker", String(2), nullable=False, default=""),  # '*' non-state, '**' organisation
    Column("recipient_iso3", String(3), index=True),
    Column("supplier", Text, nullable=False),
    Column("supplier_marker", String(2), nullable=False, default=""),
    Column("supplier_iso3", String(3)),
    Column("order_year", Integer),
    Column("order_year_uncertain", Boolean, nullable=False, default=False),
    Column("number_ordered", Integer),
    Column("number_ordered_uncertain", Boolean, nullable=False, default=False),
    Column("designation", Text, nullable=False),
    Column("description", Text, nullable=False),
    Column("number_delivered", Integer),
    Column("number_delivered_uncertain", Boolean, nullable=False, default=False),
    Column("delivery_years", Text, nullable=False, default=""),  # SIPRI's '; '-separated list
    Column("status", String(32), nullable=False),
    Column("comments", Text, nullable=False, default=""),
    Column("tiv_unit", Float),
    Column("tiv_total", Float),
    Column("tiv_delivered", Float),
    Column("content_sha", String(64), nullable=False),
    Column("raw", Text, nullable=False),
)

screening_assessments = Table(
    "screening_assessments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("reference", Text, nullable=False, index=True),  # the exporter's reference
    Column("recipient_iso3", String(3), nullable=False, index=True),
    Column("item", String(8), nullable=False),
    Column("application", Text, nullable=False),  # JSON
    Column("config", Text, nullable=False),  # JSON: thresholds and weights used
    Column("evidence", Text, nullable=False),  # JSON: every item with provenance and date
    Column("criteria", Text, nullable=False),  # JSON: finding, rating per criterion
    Column("evidence_complete", Boolean, nullable=False),
    Column("as_of", Date, nullable=False),  # the application date the evidence is read on
    Column("supersedes", Integer, ForeignKey("screening_assessments.id")),
    Column("decision", String(32)),
    Column("reasons", Text),
    Column("mitigation", Text),
    Column("decided_by", Text),
    Column("decided_at", DateTime(timezone=True)),
    Column("created_by", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# --- plan (issue 16): the national action plan on POC, every imported version kept ----------

plan_versions = Table(
    "plan_versions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("plan_id", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("title", Text, nullable=False),
    Column("illustrative", Boolean, nullable=False),
    Column("yaml", Text, nullable=False),  # the text as imported (what export gives back)
    Column("document", Text, nullable=False),  # JSON of the validated plan
    Column("sha256", String(64), nullable=False),
    Column("imported_by", Text, nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    Column("note", Text),
    UniqueConstraint("plan_id", "version", name="uq_plan_versions_plan_version"),
)

plan_reports = Table(
    "plan_reports",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("plan_id", String(64), nullable=False, index=True),
    Column("plan_version", Integer, nullable=False),
    Column("period_start", Date, nullable=False),
    Column("period_end", Date, nullable=False),
    Column("narratives", Text, nullable=False),  # JSON: department -> text
    Column("content", Text, nullable=False),  # JSON: the report as approved
    Column("approved_by", Text, nullable=False),
    Column("approved_role", String(16), nullable=False),
    Column("approved_at", DateTime(timezone=True), nullable=False),
)

# --- linkage21: releases in order ---

# The release an import was told its file is (`civwatch import FILE --release 23.1`), for files
# whose rows carry no release signal of their own (domain/releases.py).
import_releases = Table(
    "import_releases",
    metadata,
    Column("batch_id", Integer, ForeignKey("import_batches.id", ondelete="CASCADE"), primary_key=True),
    Column("label", String(100), nullable=False),
)

# --- missing (issue 18): missing persons, the lists they are searched in, candidate matches ---
# Personal fields (`*_enc`) hold AES-GCM ciphertext, one field each (services/missing_crypto.py);
# list entries are found by keyed hashes of their name keys (`missing_list_keys`), never by name.

missing_cases = Table(
    "missing_cases",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(20), nullable=False, unique=True),  # the family's case code
    Column("secret_hash", String(64), nullable=False),  # HMAC of the family's secret
    Column("state", String(20), nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("origin", String(10), nullable=False),  # public | officer
    Column("circumstance", String(32), nullable=False),
    Column("sex", String(1), nullable=False),
    Column("child", Boolean, nullable=False),
    Column("country_iso3", String(3)),
    Column("nationality_iso3", String(3)),
    Column("last_seen_date", Date),
    Column("incident_id", Integer, ForeignKey("incidents.id", ondelete="SET NULL")),
    Column("officer", Text),
    Column("officer_email", Text),
    Column("consent_share", Boolean, nullable=False),
    Column("consent_recorded_at", DateTime(timezone=True)),
    Column("names_enc", Text, nullable=False),
    Column("birth_enc", Text),
    Column("place_enc", Text),
    Column("circumstances_enc", Text),
    Column("reporter_name_enc", Text),
    Column("reporter_contact_enc", Text),
    Column("reporter_relation_enc", Text),
    Column("close_reason", String(20)),
    Column("reported_at", DateTime(timezone=True), nullable=False),
    Column("registered_at", DateTime(timezone=True)),
    Column("register_by", DateTime(timezone=True), nullable=False),  # the same-day deadline
    Column("confirmed_at", DateTime(timezone=True)),
    Column("state_entered_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

missing_transitions = Table(
    "missing_transitions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("missing_cases.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("from_state", String(20)),
    Column("to_state", String(20), nullable=False),
    Column("actor", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("reason", Text, nullable=False),
    UniqueConstraint("case_id", "version", name="uq_missing_transitions_case_version"),
)

missing_lists = Table(
    "missing_lists",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("title", Text, nullable=False),
    Column("provenance", Text, nullable=False),
    Column("list_date", Date, nullable=False),
    Column("file_name", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("rows_read", Integer, nullable=False),
    Column("rows_accepted", Integer, nullable=False),
    Column("rows_rejected", Integer, nullable=False),
    Column("imported_by", Text, nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False),
)

missing_list_entries = Table(
    "missing_list_entries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("list_id", Integer, ForeignKey("missing_lists.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("line", Integer, nullable=False),
    Column("sex", String(1), nullable=False),
    Column("person_enc", Text, nullable=False),  # names, birth, place, reference: one JSON, encrypted
)

missing_list_keys = Table(
    "missing_list_keys",
    metadata,
    Column("entry_id", Integer, ForeignKey("missing_list_entries.id", ondelete="CASCADE"), primary_key=True),
    Column("key", String(24), primary_key=True, index=True),
)

missing_list_rejections = Table(
    "missing_list_rejections",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("list_id", Integer, ForeignKey("missing_lists.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("line", Integer, nullable=False),
    Column("reason", Text, nullable=False),
    Column("row_enc", Text, nullable=False),  # the row as read, encrypted (it may hold names)
)

missing_candidates = Table(
    "missing_candidates",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("missing_cases.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("entry_id", Integer, ForeignKey("missing_list_entries.id", ondelete="CASCADE"), nullable=False),
    Column("score", Float, nullable=False),
    Column("reasons", Text, nullable=False),  # JSON: each component's score and why (no names)
    Column("status", String(10), nullable=False),  # offered | confirmed | rejected
    Column("found_at", DateTime(timezone=True), nullable=False),
    Column("decided_by", Text),
    Column("decided_at", DateTime(timezone=True)),
    Column("decision_reason", Text),
    UniqueConstraint("case_id", "entry_id", name="uq_missing_candidates_case_entry"),
)

missing_notifications = Table(
    "missing_notifications",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("missing_cases.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("recipient", Text, nullable=False),
    Column("subject", Text, nullable=False),
    Column("status", String(10), nullable=False),  # sent | failed | unsent (no SMTP configured)
    Column("detail", Text),
    Column("at", DateTime(timezone=True), nullable=False),
)

missing_attempts = Table(
    "missing_attempts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("client_hash", String(64), nullable=False, index=True),
    Column("kind", String(10), nullable=False),  # report | follow
    Column("at", DateTime(timezone=True), nullable=False),
)
# --- screening tables (issue 13): the embargo and diversion tables users maintain ---
# Rows of documented, sourced CSV files (docs/screening.md "Embargo table", "Diversion table");
# every row of a file is accounted for by its import batch (read = accepted + rejected). The
# table in force is the latest batch of each file name: an edited file re-imported replaces it.

screening_embargoes = Table(
    "screening_embargoes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("batch_id", Integer, ForeignKey("import_batches.id"), nullable=False, index=True),
    Column("line", Integer, nullable=False),
    Column("source", Text, nullable=False),
    Column("url", Text, nullable=False),
    Column("stated_on", Date, nullable=False),  # the date of the source's statement
    Column("destination_iso3", String(3), nullable=False, index=True),
    Column("scope", String(16), nullable=False),
    Column("starts_on", Date),  # NULL: start not recorded
    Column("ends_on", Date),  # NULL: no end recorded
    Column("text", Text, nullable=False, default=""),
)

screening_diversion = Table(
    "screening_diversion",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("batch_id", Integer, ForeignKey("import_batches.id"), nullable=False, index=True),
    Column("line", Integer, nullable=False),
    Column("source", Text, nullable=False),
    Column("url", Text, nullable=False),
    Column("reported_on", Date, nullable=False),
    Column("country_iso3", String(3), nullable=False, index=True),  # the state the arms were diverted from
    Column("kind", String(24), nullable=False),
    Column("event_date", Date),
    Column("items", Text, nullable=False, default=""),
    Column("text", Text, nullable=False, default=""),
)

# The diversion proxies read SIPRI deals by supplier and by non-state recipient marker.
Index("ix_sipri_transfers_supplier_iso3", sipri_transfers.c.supplier_iso3)
Index("ix_sipri_transfers_marker_year", sipri_transfers.c.recipient_marker, sipri_transfers.c.order_year)
# --- import blocks ---

# Each batch's raw source rows (the JSON text every report keeps of its row, as read), kept as
# zstd-compressed Arrow IPC blocks of up to 4,096 rows instead of one JSON text per report.
# A report points at its block and row (reports.raw is then ''); a report written by hand, or
# by a store made before 0021, keeps its text in reports.raw. store/raw_blocks.py reads both.
raw_blocks = Table(
    "raw_blocks",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("batch_id", Integer, ForeignKey("import_batches.id", ondelete="CASCADE"), index=True),
    Column("n_rows", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),  # of the block's texts, in order (store/raw_blocks.py)
    Column("data", LargeBinary, nullable=False),  # Arrow IPC stream, one string column "raw", zstd
)
# no foreign key: reports are written set-wise a batch at a time, and the pointer is checked by
# construction (the block is written in the same statement group, in the same transaction)
reports.append_column(Column("raw_block_id", Integer))
reports.append_column(Column("raw_row", Integer))
# --- cube: kept current by deltas (issue 24) ---

# One row per cube cell, so a write adds its contribution in place (INSERT ... ON CONFLICT DO
# UPDATE n = n + excluded.n, ...) instead of recomputing whole slices (store/cube_delta.py).
Index(
    "uq_indicator_cube_cell",
    indicator_cube.c.level, indicator_cube.c.dim, indicator_cube.c.value,
    indicator_cube.c.sources, indicator_cube.c.year, indicator_cube.c.country_iso3,
    unique=True,
)
# --- linkage status: kept, not scanned (issue 24) ---

# Whether `civwatch link` has run on the current reports (reports, those not linked as they now
# are, the last run), true at the store fingerprint it holds; one row (store/linkage_status.py).
linkage_status = Table(
    "linkage_status",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("reports", BigInteger, nullable=False),
    Column("reports_not_linked", BigInteger, nullable=False),
    Column("last_run_at", String(40)),  # as the scan reads max(linkage_seen.linked_at), ISO 8601
    Column("fingerprint", String(200), nullable=False),
)
