"""The store's tables (SQLAlchemy Core). Migrations in `migrations/` create and evolve them.

Reports are the unit of import: one source's record, raw fields kept verbatim as JSON text.
Incidents group reports; until linkage runs, each report is its own incident.
Headline figures are kept as columns (low/best/high) so indicators are plain SQL aggregates.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
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

# --- linkage21: releases in order ---

# The release an import was told its file is (`civwatch import FILE --release 23.1`), for files
# whose rows carry no release signal of their own (domain/releases.py).
import_releases = Table(
    "import_releases",
    metadata,
    Column("batch_id", Integer, ForeignKey("import_batches.id", ondelete="CASCADE"), primary_key=True),
    Column("label", String(100), nullable=False),
)
