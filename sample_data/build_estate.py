#!/usr/bin/env python3
"""Generate the bundled sample estate: the ML platform of "Streamly", a fictional
video streaming service, as mlg manifest files under sample_data/estate/.

    python sample_data/build_estate.py

rewrites sample_data/estate/*.yaml. The output is deterministic (fixed timestamps,
a seeded random.Random), so re-running it on an unchanged script changes nothing.
Only the standard library and PyYAML are used.

Landmarks worth exploring (kept stable; tests and docs refer to them):

- hub datasets: dataset:raw.playback_events, dataset:raw.user_profiles,
  dataset:core.playback_sessions
- a 13-hop chain from the edge gateway down to a raw source (the shortest path
  between the two ends is 12 hops):
    service:web-edge-gateway -calls-> service:home-feed-api -calls-> service:home-ranking-svc
    -serves-> model:recs.home_ranker@4 -based_on-> model:recs.home_ranker@3
    -trained_on-> dataset:recs.training_examples@2024.06
    -produced_by-> workflow:airflow.recs_training_examples -reads-> dataset:recs.labeled_impressions
    -derived_from-> dataset:core.impression_outcomes -> dataset:core.impressions_sessionized
    -> dataset:staging.ui_impressions_bot_filtered -> dataset:staging.ui_impressions_dedup
    -> dataset:staging.ui_impressions_parsed -> dataset:raw.ui_impressions
- a deprecated dataset feeding a tier-1 model in production:
    dataset:legacy.watch_history_v1 <- model:recs.continue_watching@2 <- service:continue-watching-svc
- unowned assets: dataset:scratch.ctr_backfill_tmp_2023q3, model:fraud.chargeback_gbm_legacy@1,
  workflow:cron.legacy_watch_history_export

The script checks its own output (unique ids, known references, allowed relation
kinds, no cycles, the landmarks above) before writing anything.
"""

from __future__ import annotations

import random
import sys
from collections import defaultdict, deque
from datetime import datetime, timedelta
from pathlib import Path

import yaml

from mlg.cycles import find_cycle

OUT_DIR = Path(__file__).resolve().parent / "estate"
RNG = random.Random(20240917)
EMAIL_DOMAIN = "streamly.example"

KINDS = ("dataset", "feature", "model", "evaluation", "workflow", "service", "experiment")
RELATION_RULES = {
    "derived_from": {("dataset", "dataset"), ("feature", "feature")},
    "computed_from": {("feature", "dataset")},
    "trained_on": {("model", "dataset")},
    "uses_feature": {("model", "feature")},
    "based_on": {("model", "model")},
    "evaluates": {("evaluation", "model")},
    "evaluated_on": {("evaluation", "dataset")},
    "produced_by": {(k, "workflow") for k in ("dataset", "feature", "model", "evaluation")},
    "reads": {("workflow", k) for k in ("dataset", "feature", "model")},
    "serves": {("service", "model")},
    "calls": {("service", "service")},
    "tests": {("experiment", "model"), ("experiment", "service")},
}
REL_ORDER = tuple(RELATION_RULES)

# file name -> domain written on its assets when none is given
FILE_DOMAIN = {
    "raw_data.yaml": "data-platform",
    "core_data.yaml": "data-platform",
    "recommendations.yaml": "recommendations",
    "search.yaml": "search",
    "ads.yaml": "ads",
    "fraud.yaml": "fraud",
    "content.yaml": "content",
    "growth.yaml": "growth",
    "trust_safety.yaml": "trust-safety",
    "ml_platform.yaml": "ml-platform",
    "services.yaml": None,
    "experiments.yaml": "experimentation",
}
FILE_HEADER = {
    "owners.yaml": "Teams and people who own, steward or are on call for assets.",
    "raw_data.yaml": "Raw sources as landed in the lake (Kafka sinks, CDC, vendor drops).",
    "core_data.yaml": "Staging and conformed core tables, and the ETL that builds them.",
    "recommendations.yaml": "Home page personalisation: labels, features, rankers, retrieval.",
    "search.yaml": "Search relevance: query understanding, ranking, spelling, autocomplete.",
    "ads.yaml": "Ads on the ad-supported plan: CTR/CVR prediction, bidding, audiences.",
    "fraud.yaml": "Payment fraud, account takeover and credential sharing.",
    "content.yaml": "Content intelligence: tagging, artwork, demand forecasting.",
    "growth.yaml": "Retention and lifecycle marketing models.",
    "trust_safety.yaml": "Trust & safety: screening uploads, user text, report triage.",
    "ml_platform.yaml": "Shared foundation encoders maintained by ML Platform.",
    "services.yaml": "Production services, which models they serve and whom they call.",
    "experiments.yaml": "A/B tests run on the experimentation platform (abacus).",
}

owners: list[dict] = []
assets: dict[str, dict] = {}  # id -> record (insertion order kept)
asset_file: dict[str, str] = {}
relations: dict[str, list[dict]] = defaultdict(list)  # file -> explicit relation records
auto_reads: set[str] = set()  # workflows whose reads are derived from their outputs

NO_OWNER = ("__none__",)


# -- helpers ---------------------------------------------------------------------------


def ts(day: str) -> str:
    """'2024-06-03' or '2024-06-03 14:20' -> ISO-8601 UTC."""
    fmt = "%Y-%m-%d %H:%M" if " " in day else "%Y-%m-%d"
    return datetime.strptime(day, fmt).strftime("%Y-%m-%dT%H:%M:%SZ")


GENERATED_DATES: set[str] = set()  # ids whose created_at was drawn at random


class Drawn(str):
    """A created_at drawn at random (fix_chronology may move it earlier)."""


def day_between(start: str, end: str) -> str:
    a = datetime.strptime(start, "%Y-%m-%d")
    b = datetime.strptime(end, "%Y-%m-%d")
    d = a + timedelta(
        days=RNG.randint(0, (b - a).days),
        hours=RNG.randint(7, 19),
        minutes=RNG.choice((0, 10, 15, 20, 30, 40, 45, 50)),
    )
    return Drawn(d.strftime("%Y-%m-%d %H:%M"))


def own(*entries: str) -> list:
    """'team-x' -> owner; 'priya.natarajan:steward' -> {id, role}."""
    out: list = []
    for e in entries:
        if ":" in e:
            oid, role = e.split(":", 1)
            out.append({"id": oid, "role": role})
        else:
            out.append(e)
    return out


def owner(oid: str, kind: str, name: str, email: str | None = None) -> None:
    owners.append({"id": oid, "kind": kind, "name": name, "email": email or f"{oid}@{EMAIL_DOMAIN}"})


DEFAULT_OWNERS: dict[str, list] = {}


def add(
    file: str,
    aid: str,
    desc: str,
    *,
    owners_=None,
    tags=(),
    props=None,
    ns=None,
    name=None,
    family=None,
    version=None,
    domain=None,
    created=None,
    updated=None,
    **rels,
) -> str:
    kind, _, rest = aid.partition(":")
    assert kind in KINDS, aid
    assert aid not in assets, f"duplicate id {aid}"
    rec: dict = {"id": aid, "kind": kind}
    if name is None and kind in ("dataset", "model", "feature") and "@" in rest:
        name, _, v = rest.partition("@")
        version = version or v
    rec["name"] = name or rest
    if ns:
        rec["namespace"] = ns
    if family:
        rec["family"] = family
    if version is not None:
        rec["version"] = str(version)
    rec["description"] = " ".join(desc.split())
    dom = domain if domain is not None else FILE_DOMAIN.get(file)
    if dom:
        rec["domain"] = dom
    if tags:
        rec["tags"] = list(tags)
    ow = DEFAULT_OWNERS.get(file) if owners_ is None else owners_
    if ow and ow != NO_OWNER:
        rec["owners"] = list(ow)
    if props:
        rec["props"] = props
    if created:
        rec["created_at"] = ts(created)
        if isinstance(created, Drawn):
            GENERATED_DATES.add(aid)
    if updated:
        rec["updated_at"] = ts(updated)
    for rtype, targets in rels.items():
        assert rtype in RELATION_RULES, (aid, rtype)
        if isinstance(targets, str):
            targets = [targets]
        if targets:
            rec[rtype] = list(dict.fromkeys(targets))
    assets[aid] = rec
    asset_file[aid] = file
    return aid


def link(file: str, src: str, rtype: str, dst: str, **extra) -> None:
    rel = {"from": src, "to": dst, "type": rtype}
    for k, v in extra.items():
        rel[k] = ts(v) if k in ("first_seen", "last_seen") else v
    relations[file].append(rel)


def D(*names: str) -> list[str]:
    return [f"dataset:{n}" for n in names]


def F(*names: str) -> list[str]:
    return [f"feature:{n}" for n in names]


def M(*names: str) -> list[str]:
    return [f"model:{n}" for n in names]


def W(name: str) -> str:
    return f"workflow:{name}"


def S(*names: str) -> list[str]:
    return [f"service:{n}" for n in names]


def raw(
    file,
    name,
    desc,
    *,
    fmt="parquet",
    part="dt",
    retention=400,
    rows=None,
    source=None,
    tags=(),
    owners_=None,
    ns=None,
    extra=None,
    created=None,
):
    props = {"format": fmt}
    if part:
        props["partitioning"] = part
    props["retention_days"] = retention
    if rows:
        props["rows_per_day"] = rows
    if source:
        props["source"] = source
    props.update(extra or {})
    return add(
        file,
        f"dataset:{name}",
        desc,
        tags=tags,
        owners_=owners_,
        props=props,
        ns=ns or f"s3://streamly-raw/{name.split('.', 1)[1].replace('_', '-')}",
        created=created or day_between("2021-03-01", "2022-10-31"),
    )


def table(
    file,
    name,
    desc,
    *,
    derived=(),
    wf=None,
    fmt="iceberg",
    part="dt",
    rows=None,
    tags=(),
    owners_=None,
    ns=None,
    extra=None,
    created=None,
    updated=None,
    **rels,
):
    props = {"format": fmt}
    if part:
        props["partitioning"] = part
    if rows:
        props["row_count"] = rows
    props.update(extra or {})
    layer, _, base = name.partition(".")
    base = base.split("@")[0]
    return add(
        file,
        f"dataset:{name}",
        desc,
        tags=tags,
        owners_=owners_,
        props=props,
        ns=ns or f"iceberg://lake.{layer}/{base}",
        derived_from=list(derived),
        produced_by=[wf] if wf else [],
        updated=updated,
        created=created or day_between("2022-01-10", "2024-05-31"),
        **rels,
    )


def feature(
    file,
    name,
    desc,
    *,
    src=(),
    derived=(),
    wf,
    entity,
    dtype="float",
    window=None,
    store="redis",
    freshness="24h",
    tags=(),
    owners_=None,
    extra=None,
    created=None,
):
    props = {"entity": entity, "dtype": dtype}
    if window:
        props["window"] = window
    props["online_store"] = store
    props["freshness_slo"] = freshness
    props.update(extra or {})
    project = name.split(".", 1)[0]
    return add(
        file,
        f"feature:{name}",
        desc,
        tags=tags,
        owners_=owners_,
        props=props,
        ns=f"feast://streamly-{project}",
        computed_from=list(src),
        derived_from=list(derived),
        produced_by=[wf],
        created=created or day_between("2022-06-01", "2024-06-30"),
    )


def model(
    file,
    name,
    version,
    desc,
    *,
    trained_on=(),
    features=(),
    based_on=(),
    wf,
    created,
    tags=(),
    props=None,
    owners_=None,
    updated=None,
):
    return add(
        file,
        f"model:{name}@{version}",
        desc,
        tags=tags,
        owners_=owners_,
        props=props,
        ns=f"mlflow://streamly/{name}",
        created=created,
        updated=updated,
        trained_on=list(trained_on),
        uses_feature=list(features),
        based_on=list(based_on),
        produced_by=[wf],
    )


def evaluation(file, name, desc, *, evaluates, on, wf, created, props=None, tags=(), owners_=None):
    return add(
        file,
        f"evaluation:eval.{name}",
        desc,
        tags=tags,
        owners_=owners_,
        props=props,
        ns="mlflow://streamly/evaluations",
        created=created,
        evaluates=list(evaluates),
        evaluated_on=list(on),
        produced_by=[wf],
    )


def workflow(file, name, desc, *, reads=(), auto=False, tags=(), owners_=None, props=None, created=None):
    engine = name.split(".", 1)[0]
    ns = {
        "airflow": "airflow://prod-airflow",
        "dbt": "dbt://analytics",
        "spark": "airflow://prod-airflow",
        "flink": "flink://prod-streaming",
        "feast": "airflow://prod-airflow",
        "kubeflow": "kubeflow://ml-prod",
        "metaflow": "metaflow://streamly-prod",
        "labelbox": "labelbox://streamly",
        "cron": "cron://etl-legacy-01",
    }[engine]
    wid = add(
        file,
        W(name),
        desc,
        tags=tags,
        owners_=owners_,
        props=props,
        ns=ns,
        created=created or day_between("2021-09-01", "2024-04-30"),
        reads=list(reads),
    )
    if auto:
        auto_reads.add(wid)
    return wid


def service(name, desc, *, owners_, tags=("production",), props=None, domain, created=None):
    return add(
        "services.yaml",
        f"service:{name}",
        desc,
        tags=tags,
        owners_=owners_,
        props=props,
        ns=f"k8s://{(props or {}).get('cluster', 'prod-us-east-1')}/{domain}",
        domain=domain,
        created=created or day_between("2020-06-01", "2023-12-31"),
    )


def serves(svc, *models, **extra):
    for m in models:
        link("services.yaml", f"service:{svc}", "serves", f"model:{m}", **extra)


def calls(svc, *targets):
    for t in targets:
        link("services.yaml", f"service:{svc}", "calls", f"service:{t}")


# -- owners.yaml -----------------------------------------------------------------------


def build_owners() -> None:
    for oid, name, email in [
        ("team-data-platform", "Data Platform", "data-platform"),
        ("team-ml-platform", "ML Platform", "ml-platform"),
        ("team-recs-ranking", "Recs Ranking", "recs-ranking"),
        ("team-recs-candidates", "Recs Candidate Generation", "recs-candgen"),
        ("team-search-relevance", "Search Relevance", "search-relevance"),
        ("team-ads-ml", "Ads ML", "ads-ml"),
        ("team-fraud-risk", "Fraud & Risk", "fraud-risk"),
        ("team-content-intel", "Content Intelligence", "content-intel"),
        ("team-growth-ml", "Growth ML", "growth-ml"),
        ("team-trust-safety", "Trust & Safety Engineering", "tns-eng"),
        ("team-experimentation", "Experimentation Platform", "abacus"),
        ("team-privacy-eng", "Privacy Engineering", "privacy"),
        ("team-ml-serving-sre", "ML Serving SRE", "ml-serving-oncall"),
        ("team-edge-platform", "Edge Platform", "edge-platform"),
    ]:
        owner(oid, "team", name, f"{email}@{EMAIL_DOMAIN}")
    for oid, name in [
        ("priya.natarajan", "Priya Natarajan"),
        ("arjun.mehta", "Arjun Mehta"),
        ("marcus.oyelaran", "Marcus Oyelaran"),
        ("jae.park", "Jae Park"),
        ("lena.vogt", "Lena Vogt"),
        ("tomasz.wisniewski", "Tomasz Wiśniewski"),
        ("aisha.rahman", "Aisha Rahman"),
        ("diego.fernandez", "Diego Fernández"),
        ("hannah.kim", "Hannah Kim"),
        ("kenji.watanabe", "Kenji Watanabe"),
        ("sofia.marchetti", "Sofia Marchetti"),
        ("oluwaseun.adeyemi", "Oluwaseun Adeyemi"),
        ("rachel.cohen", "Rachel Cohen"),
        ("nora.lindqvist", "Nora Lindqvist"),
        ("ben.mcallister", "Ben McAllister"),
    ]:
        owner(oid, "person", name)


# -- raw_data.yaml ---------------------------------------------------------------------


def build_raw() -> None:
    f = "raw_data.yaml"
    DEFAULT_OWNERS[f] = own("team-data-platform")
    raw(
        f,
        "raw.playback_events",
        """
        Server-side playback events (start, pause, seek, stop, error) from playback-api,
        landed hourly from Kafka topic playback.events.v3. One row per event.
        Late-arriving events for APAC (up to 6h) - don't trust the last partition before
        08:00 UTC. Join on account_id, not profile_id: profile_id is null for ~2% of TV
        clients on app < 7.12.""",
        part="dt/hr",
        rows=2_100_000_000,
        source="kafka:playback.events.v3",
        tags=("pii", "gdpr", "tier-1"),
        owners_=own("team-data-platform", "priya.natarajan:steward", "team-privacy-eng:privacy-reviewer"),
        extra={
            "schema_registry_subject": "playback.events.v3-value",
            "pii_fields": ["account_id", "profile_id", "client_ip"],
            "freshness_slo": "90m",
        },
        created="2019-01-10",
    )
    raw(
        f,
        "raw.player_heartbeats",
        """
        30s player heartbeats: bitrate, buffer health, CDN, dropped frames. Sampled at 10% on
        web, 100% elsewhere. The only reliable watch-time signal on smart TVs (their stop
        events are lossy).""",
        part="dt/hr",
        retention=90,
        rows=9_800_000_000,
        source="kafka:player.heartbeat.v2",
        tags=("tier-2",),
        extra={"sampling": {"web": 0.1, "default": 1.0}},
    )
    raw(
        f,
        "raw.ui_impressions",
        """
        Tile impressions from home and browse pages, logged by the clients. A tile counts as
        impressed once 50% visible for 1s (was 0s before 2023-11-14 - older numbers run ~18%
        higher). Android TV flushes in batches, so expect duplicates; use the _dedup table.""",
        part="dt/hr",
        rows=5_400_000_000,
        source="kafka:ui.impressions.v4",
        tags=("pii",),
        owners_=own("team-data-platform", "arjun.mehta:steward"),
    )
    raw(
        f,
        "raw.ui_clicks",
        """
        Taps/clicks on tiles, play buttons and 'more info'. Same client logger as
        ui_impressions; carries impression_id for the join.""",
        part="dt/hr",
        rows=310_000_000,
        source="kafka:ui.clicks.v4",
        tags=("pii",),
    )
    raw(
        f,
        "raw.artwork_impressions",
        """
        Which artwork variant was shown for a title, per impression. Written by artwork-svc
        (not the client), so it only covers personalised rows.""",
        rows=1_200_000_000,
        source="kafka:artwork.served.v1",
        owners_=own("team-data-platform", "team-recs-ranking:consumer"),
    )
    raw(
        f,
        "raw.user_profiles",
        """
        Profiles table CDC (Debezium -> Kafka -> S3): profile name, maturity level, language,
        kids flag, avatar. GDPR deletes are applied by the nightly forget job; this raw copy
        keeps tombstones for 30 days, so filter op != 'd'.""",
        rows=4_300_000,
        source="debezium:profiles-db.public.profiles",
        tags=("pii", "gdpr", "tier-1"),
        owners_=own("team-data-platform", "rachel.cohen:steward", "priya.natarajan:oncall"),
        extra={"pii_fields": ["profile_name", "avatar_id", "birth_year"]},
        created="2021-02-20",
    )
    raw(
        f,
        "raw.accounts",
        """
        Accounts CDC: plan, billing country, signup date, status. An account has 1-5
        profiles. Billing country != viewing country for travellers and VPN users.""",
        rows=900_000,
        source="debezium:accounts-db.public.accounts",
        tags=("pii", "gdpr", "tier-1"),
        owners_=own("team-data-platform", "rachel.cohen:steward"),
    )
    raw(
        f,
        "raw.subscriptions",
        """
        Subscription lifecycle events from billing: start, upgrade, downgrade, pause, cancel.
        cancel_reason is free text and only filled on web.""",
        rows=260_000,
        source="kafka:billing.subscription.v2",
        tags=("pii",),
    )
    raw(
        f,
        "raw.payments",
        """
        Payment attempts and results from the processor webhook. Card data is tokenised
        upstream; we only get BIN, last4 and a token. Retries are separate rows with the same
        invoice_id.""",
        rows=1_400_000,
        source="webhook:payment-processor",
        tags=("pii", "pci", "tier-1"),
        owners_=own("team-data-platform", "team-fraud-risk:steward"),
        retention=2555,
    )
    raw(
        f,
        "raw.chargebacks",
        """
        Chargeback notifications from the processor. They arrive 30-90 days after the payment,
        so any label window younger than 90 days is incomplete.""",
        rows=900,
        source="sftp:payment-processor/chargebacks",
        tags=("pii", "pci"),
        fmt="csv",
        retention=2555,
    )
    raw(
        f,
        "raw.login_events",
        """
        Auth attempts from auth-api (password, magic link, TV code pairing) with IP and user
        agent. Failed attempts on unknown emails are logged with account_id = null.""",
        part="dt/hr",
        rows=48_000_000,
        source="kafka:auth.login.v3",
        tags=("pii", "gdpr"),
    )
    raw(
        f,
        "raw.device_fingerprints",
        """
        Device fingerprint payloads from the client SDK at login and checkout. v2 SDK only
        (iOS >= 7.4, Android >= 7.6, web); older apps send nothing.""",
        rows=21_000_000,
        source="kafka:sdk.fingerprint.v2",
        tags=("pii", "gdpr"),
        owners_=own("team-data-platform", "team-fraud-risk:steward"),
    )
    raw(
        f,
        "raw.catalog_titles",
        """
        Nightly export of titles, seasons and episodes from the CMS. Source of truth for
        title_id. Soft-deleted titles stay with is_active = false.""",
        fmt="json",
        rows=None,
        source="cms-export",
        tags=("tier-1",),
        extra={"row_count": 412_000},
        owners_=own("team-data-platform", "team-content-intel"),
    )
    raw(
        f,
        "raw.content_metadata_partner",
        """
        Third-party metadata feed (cast, crew, keywords, external ratings). Weekly full drop;
        ~3% of titles don't match a title_id - the match table lives in core.title_catalog.""",
        fmt="xml",
        part="drop_date",
        retention=730,
        source="sftp:metadata-vendor",
        tags=("third-party", "licensed"),
        owners_=own("team-content-intel"),
    )
    raw(
        f,
        "raw.content_licensing_windows",
        """
        License start/end per title and territory from the rights system. A title with no row
        is unavailable everywhere. Corrections are re-sent as full snapshots.""",
        fmt="csv",
        part="snapshot_date",
        source="rights-mgmt-export",
        owners_=own("team-content-intel", "diego.fernandez:steward"),
    )
    raw(
        f,
        "raw.subtitles",
        """
        Index of subtitle/caption files (SRT, TTML) per title and language, plus extracted
        plaintext for en/es/pt/ja.""",
        part="title_id",
        source="media-pipeline",
        owners_=own("team-content-intel"),
    )
    raw(
        f,
        "raw.artwork_assets",
        """
        Index of artwork images (boxshot, hero, thumbnails) with S3 keys. The images live in
        s3://streamly-media/artwork; this is just the index.""",
        part=None,
        source="media-pipeline",
        owners_=own("team-content-intel"),
        extra={"row_count": 3_900_000},
    )
    raw(
        f,
        "raw.video_frame_samples",
        """
        1 fps frame samples for titles ingested after 2022-06, 224px JPEG, stored as
        tfrecord shards. Nothing for the back catalogue.""",
        fmt="tfrecord",
        part="title_id",
        retention=3650,
        source="media-pipeline",
        owners_=own("team-content-intel", "team-trust-safety:consumer"),
    )
    raw(
        f,
        "raw.search_queries",
        """
        Search requests from search-api: query text, locale, device, top-40 results shown.
        Query text can contain PII (people search for their own names) - treat as pii.""",
        part="dt/hr",
        rows=95_000_000,
        source="kafka:search.request.v2",
        tags=("pii", "gdpr"),
        owners_=own("team-data-platform", "team-search-relevance:steward"),
    )
    raw(
        f,
        "raw.search_clicks",
        """
        Clicks on search results, with position. Join to search_queries on request_id; ~4% of
        clicks are orphans from cached result pages.""",
        part="dt/hr",
        rows=31_000_000,
        source="kafka:search.click.v2",
        tags=("pii",),
    )
    raw(
        f,
        "raw.ad_requests",
        """
        Ad requests from the SSAI stitcher, ad-supported plan only. One row per ad pod
        request.""",
        part="dt/hr",
        rows=640_000_000,
        source="kafka:ads.request.v1",
        owners_=own("team-data-platform", "team-ads-ml:steward"),
    )
    raw(
        f,
        "raw.ad_impressions",
        """
        Ad impressions (IAB: first frame rendered). Quartile events are in the same topic as
        separate rows - filter event_type = 'impression'.""",
        part="dt/hr",
        rows=580_000_000,
        source="kafka:ads.impression.v1",
        tags=("tier-1",),
    )
    raw(
        f,
        "raw.ad_clicks",
        """
        Ad clicks / 'learn more' on mobile and web. TVs can't click; use QR-scan events
        (event_type='qr_scan') for TV.""",
        part="dt/hr",
        rows=2_900_000,
        source="kafka:ads.click.v1",
    )
    raw(
        f,
        "raw.ad_conversions",
        """
        Advertiser conversion postbacks (S2S). Hashed emails for match; arrive up to 7 days
        late. Advertiser-supplied, so expect junk.""",
        rows=410_000,
        source="https:postback-gateway",
        tags=("pii", "gdpr", "third-party"),
        owners_=own("team-data-platform", "team-ads-ml:steward", "team-privacy-eng:privacy-reviewer"),
    )
    raw(
        f,
        "raw.ratings",
        """
        Thumbs up / down / double-thumbs. Sparse: ~3% of plays get a rating. Includes
        un-ratings (value = 0).""",
        rows=5_500_000,
        source="kafka:ratings.v1",
    )
    raw(
        f,
        "raw.push_sends",
        "Push notifications sent, with campaign and template id.",
        rows=38_000_000,
        source="kafka:notify.push.sent.v1",
        tags=("pii",),
        owners_=own("team-data-platform", "team-growth-ml:steward"),
    )
    raw(
        f,
        "raw.push_opens",
        """
        Push opens. iOS opens are under-counted when the app is killed before the SDK
        flushes.""",
        rows=2_300_000,
        source="kafka:notify.push.opened.v1",
    )
    raw(
        f,
        "raw.email_events",
        """
        Marketing email webhooks (delivered, open, click, unsubscribe, bounce) from the ESP.
        Opens are inflated by Apple Mail privacy protection since 2021-09.""",
        rows=22_000_000,
        source="webhook:esp",
        tags=("pii", "gdpr"),
    )
    raw(
        f,
        "raw.content_reports",
        """
        'Report a problem' submissions: profile names, lists, title issues. Free text,
        multilingual.""",
        rows=40_000,
        source="kafka:tns.report.v1",
        tags=("pii",),
        owners_=own("team-trust-safety", "kenji.watanabe:steward"),
    )
    raw(
        f,
        "raw.profile_text_fields",
        """
        User-generated text only (profile names, list names), split out of the profiles CDC
        so T&S can read it without the rest of the profile.""",
        rows=180_000,
        source="debezium:profiles-db.public.profiles",
        tags=("pii", "gdpr"),
        owners_=own("team-trust-safety", "rachel.cohen:steward"),
    )
    raw(
        f,
        "raw.moderator_decisions",
        """
        Decisions from the T&S review tool: policy code, action, reviewer id (pseudonymised).
        Appeals overturn ~6% of actions; overturns are new rows, not updates.""",
        rows=25_000,
        source="review-tool-db",
        owners_=own("team-trust-safety"),
    )
    raw(
        f,
        "raw.geoip_lookup",
        """
        Weekly snapshot of the licensed GeoIP database (city + ASN). Licence forbids copying
        it outside the lake - join, don't export.""",
        fmt="mmdb",
        part="snapshot_date",
        retention=180,
        source="vendor:geoip",
        tags=("third-party", "licensed"),
    )
    raw(
        f,
        "raw.support_tickets",
        """
        Helpdesk export, daily. Ticket body is NOT included (privacy review pending), only
        category, channel and CSAT.""",
        fmt="csv",
        rows=60_000,
        source="helpdesk-export",
        tags=("pii",),
        owners_=own("team-data-platform", "team-growth-ml:consumer"),
    )
    raw(
        f,
        "raw.cdn_logs",
        """
        CDN access logs: edge POP, bytes, status, TTFB. Huge, kept 14 days only.""",
        fmt="json.gz",
        part="dt/hr",
        retention=14,
        rows=61_000_000_000,
        source="cdn-log-push",
        owners_=own("team-data-platform", "nora.lindqvist:oncall"),
    )


# -- core_data.yaml --------------------------------------------------------------------


def build_core() -> None:
    f = "core_data.yaml"
    DEFAULT_OWNERS[f] = own("team-data-platform")
    de = own("team-data-platform", "arjun.mehta:oncall")

    wf_pb = workflow(
        f,
        "airflow.playback_staging_hourly",
        """
        Parses and dedups playback events per hour. Retries 3x; after that the hour is
        marked partial and backfilled by the daily catch-up run.""",
        reads=D("raw.playback_events"),
        owners_=de,
        props={
            "dag_id": "playback_staging_hourly",
            "schedule": "20 * * * *",
            "engine": "spark-3.5",
            "sla": "75m after hour close",
        },
    )
    table(
        f,
        "staging.playback_events_parsed",
        """
        Schema-validated playback events. Rows failing validation go to the DLQ (not
        registered here). ~0.3% drop rate, mostly old Roku builds.""",
        derived=D("raw.playback_events"),
        wf=wf_pb,
        part="dt/hr",
        rows=2_090_000_000,
        tags=("pii",),
        extra={"retention_days": 90},
    )
    table(
        f,
        "staging.playback_events_dedup",
        """
        Deduped on (event_id, account_id). Use this, not _parsed, for anything that counts
        plays.""",
        derived=D("staging.playback_events_parsed"),
        wf=wf_pb,
        part="dt/hr",
        rows=2_030_000_000,
        tags=("pii", "tier-1"),
        extra={"retention_days": 400},
    )

    wf_hb = workflow(
        f,
        "airflow.heartbeats_rollup_hourly",
        "Rolls 30s heartbeats up to 1-minute buckets per playback session.",
        reads=D("raw.player_heartbeats"),
        props={"dag_id": "heartbeats_rollup", "schedule": "35 * * * *", "engine": "spark-3.5"},
    )
    table(
        f,
        "staging.heartbeats_1m",
        """
        Heartbeats per session per minute: avg bitrate, rebuffer seconds, dropped frames.
        Web is sampled 10% upstream; weights in column sample_weight.""",
        derived=D("raw.player_heartbeats"),
        wf=wf_hb,
        part="dt/hr",
        rows=1_600_000_000,
    )

    wf_imp = workflow(
        f,
        "airflow.impressions_staging_hourly",
        """
        Parses tile impressions and dedups on (impression_id, client_ts). Android TV batch
        flushes are the main source of dupes.""",
        reads=D("raw.ui_impressions"),
        owners_=de,
        props={"dag_id": "impressions_staging_hourly", "schedule": "25 * * * *", "engine": "spark-3.5"},
    )
    table(
        f,
        "staging.ui_impressions_parsed",
        "Parsed tile impressions, one row per raw event.",
        derived=D("raw.ui_impressions"),
        wf=wf_imp,
        part="dt/hr",
        rows=5_380_000_000,
        extra={"retention_days": 30},
    )
    table(
        f,
        "staging.ui_impressions_dedup",
        """
        Deduped tile impressions. Still contains bot/scraper traffic - see
        ui_impressions_bot_filtered.""",
        derived=D("staging.ui_impressions_parsed"),
        wf=wf_imp,
        part="dt/hr",
        rows=4_700_000_000,
    )
    wf_clk = workflow(
        f,
        "airflow.clicks_staging_hourly",
        """
        Dedups UI clicks. Kept separate from impressions_staging_hourly so a clicks
        backfill doesn't re-run impressions.""",
        reads=D("raw.ui_clicks"),
        props={"dag_id": "clicks_staging_hourly", "schedule": "25 * * * *"},
    )
    table(
        f,
        "staging.ui_clicks_dedup",
        "Deduped clicks, joined back to impression_id where possible.",
        derived=D("raw.ui_clicks"),
        wf=wf_clk,
        part="dt/hr",
        rows=300_000_000,
    )

    wf_bot = workflow(
        f,
        "spark.impressions_bot_filter",
        """
        Drops impressions from devices on the T&S bot list. Runs after the hourly staging job;
        a late bot list means the hour is re-run the next morning.""",
        reads=D("staging.ui_impressions_dedup", "ts.bot_device_list"),
        props={"schedule": "0 * * * *", "engine": "spark-3.5", "trigger": "sensor"},
    )
    table(
        f,
        "staging.ui_impressions_bot_filtered",
        """
        Human impressions only: dedup table minus devices on ts.bot_device_list (~1.5% of
        rows, up to 9% during scraping waves).""",
        derived=D("staging.ui_impressions_dedup", "ts.bot_device_list"),
        wf=wf_bot,
        part="dt/hr",
        rows=4_620_000_000,
        tags=("tier-1",),
    )

    wf_dims = workflow(
        f,
        "dbt.profile_dimensions",
        """
        dbt models core_dims.profiles: SCD2 snapshot of profiles plus the current-state
        dimension. Runs 02:00 UTC after the CDC compaction.""",
        reads=D("raw.user_profiles"),
        owners_=own("team-data-platform", "priya.natarajan:oncall"),
        props={
            "dbt_project": "core_dims",
            "select": "profiles+",
            "schedule": "0 2 * * *",
            "warehouse": "trino",
        },
    )
    wf_acct = workflow(
        f,
        "dbt.account_dimensions",
        """
        dbt models core_dims.accounts: accounts + subscription history as SCD2 and the
        current-state account dimension.""",
        reads=D("raw.accounts", "raw.subscriptions"),
        props={
            "dbt_project": "core_dims",
            "select": "accounts+",
            "schedule": "0 2 * * *",
            "warehouse": "trino",
        },
    )
    table(
        f,
        "staging.profiles_scd2",
        """
        Profile history as SCD2 (valid_from/valid_to). Use for point-in-time joins in
        training data; core.dim_profile is current state only.""",
        derived=D("raw.user_profiles"),
        wf=wf_dims,
        part=None,
        rows=11_200_000,
        tags=("pii", "gdpr"),
    )
    table(
        f,
        "staging.accounts_scd2",
        "Account + subscription history as SCD2.",
        derived=D("raw.accounts", "raw.subscriptions"),
        wf=wf_acct,
        part=None,
        rows=2_600_000,
        tags=("pii", "gdpr"),
    )
    table(
        f,
        "core.dim_profile",
        """
        Current profiles, one row per profile_id. Deleted profiles removed within 24h
        (GDPR).""",
        derived=D("staging.profiles_scd2"),
        wf=wf_dims,
        part=None,
        rows=4_250_000,
        tags=("pii", "gdpr", "tier-1"),
        owners_=own("team-data-platform", "rachel.cohen:steward"),
    )
    table(
        f,
        "core.dim_account",
        """
        Current accounts with plan, tenure, billing country. plan = 'ads' means the
        ad-supported tier.""",
        derived=D("staging.accounts_scd2"),
        wf=wf_acct,
        part=None,
        rows=880_000,
        tags=("pii", "gdpr", "tier-1"),
    )

    wf_cat = workflow(
        f,
        "airflow.catalog_sync_nightly",
        """
        Merges CMS export, partner metadata and licensing windows into one title table.
        Partner matching is fuzzy (title + year + runtime); unmatched go to a review sheet.""",
        reads=D("raw.catalog_titles", "raw.content_metadata_partner", "raw.content_licensing_windows"),
        owners_=own("team-data-platform", "team-content-intel:consumer"),
        props={"dag_id": "catalog_sync", "schedule": "30 3 * * *"},
    )
    table(
        f,
        "core.title_catalog",
        """
        One row per title/season/episode with metadata, partner match and availability per
        territory. THE title dimension; if you need genres use the CMS genres here, the ML
        genres are in content.title_genre_predictions.""",
        derived=D("raw.catalog_titles", "raw.content_metadata_partner", "raw.content_licensing_windows"),
        wf=wf_cat,
        part=None,
        rows=412_000,
        tags=("tier-1", "golden"),
    )

    wf_core_pb = workflow(
        f,
        "airflow.core_playback_daily",
        """
        Sessionises playback and builds the daily viewing aggregates. Waits for the 23:00
        hour of playback_staging_hourly plus 6h APAC grace. Most-read DAG in the lake.""",
        reads=D("staging.playback_events_dedup", "staging.heartbeats_1m", "core.dim_profile"),
        owners_=own("team-data-platform", "priya.natarajan:oncall", "arjun.mehta:oncall"),
        tags=("tier-1",),
        props={
            "dag_id": "core_playback_daily",
            "schedule": "0 6 * * *",
            "engine": "spark-3.5",
            "sla": "09:00 UTC",
            "avg_runtime_min": 94,
        },
    )
    table(
        f,
        "core.playback_sessions",
        """
        One row per playback session (gaps > 30 min split sessions). watch_seconds comes from
        heartbeats where available, else stop-start. Keyed by account_id + profile_id;
        profile_id can be null on old TV apps.""",
        derived=D("staging.playback_events_dedup", "staging.heartbeats_1m", "core.dim_profile"),
        wf=wf_core_pb,
        rows=410_000_000,
        tags=("pii", "tier-1"),
        owners_=own("team-data-platform", "priya.natarajan:steward"),
        extra={"partition_count": 1460, "retention_days": 730, "freshness_slo": "09:00 UTC"},
    )
    table(
        f,
        "core.daily_viewing_by_profile",
        """
        Minutes watched per profile per day, split by device class and content type.""",
        derived=D("core.playback_sessions"),
        wf=wf_core_pb,
        rows=1_900_000_000,
        tags=("pii",),
    )
    wf_tv = workflow(
        f,
        "airflow.title_viewing_daily",
        "Title-level viewing aggregates with k-anonymity suppression.",
        reads=D("core.playback_sessions", "core.title_catalog"),
        props={"dag_id": "title_viewing_daily", "schedule": "30 9 * * *"},
    )
    table(
        f,
        "core.title_viewing_daily",
        """
        Plays, unique viewers, minutes per title per country per day. Counts below 5 viewers
        are suppressed (k-anonymity), so sum over countries != global.""",
        derived=D("core.playback_sessions", "core.title_catalog"),
        wf=wf_tv,
        rows=310_000_000,
        tags=("tier-1",),
    )
    wf_qoe = workflow(
        f,
        "airflow.core_qoe_daily",
        "QoE rollup per session; joins CDN logs while they still exist (14-day retention).",
        reads=D("staging.heartbeats_1m", "raw.cdn_logs"),
        owners_=own("team-data-platform", "nora.lindqvist:consumer"),
        props={"dag_id": "core_qoe_daily", "schedule": "0 7 * * *"},
    )
    table(
        f,
        "core.qoe_sessions",
        """
        Quality-of-experience per session: startup time, rebuffer ratio, avg bitrate, CDN
        POP. CDN join is best-effort (logs only kept 14 days).""",
        derived=D("staging.heartbeats_1m", "raw.cdn_logs"),
        wf=wf_qoe,
        rows=400_000_000,
        owners_=own("team-data-platform", "nora.lindqvist:consumer"),
    )

    wf_core_imp = workflow(
        f,
        "airflow.core_impressions_daily",
        """
        Sessionises impressions per page view and joins each impression to plays within 24h.
        Must run after core_playback_daily.""",
        reads=D("staging.ui_impressions_bot_filtered", "staging.ui_clicks_dedup", "core.playback_sessions"),
        owners_=de,
        props={
            "dag_id": "core_impressions_daily",
            "schedule": "0 8 * * *",
            "engine": "spark-3.5",
            "depends_on_past": True,
        },
    )
    table(
        f,
        "core.impressions_sessionized",
        """
        Impressions grouped by page view (page_view_id), with row and column position.""",
        derived=D("staging.ui_impressions_bot_filtered", "staging.ui_clicks_dedup"),
        wf=wf_core_imp,
        rows=4_600_000_000,
    )
    table(
        f,
        "core.impression_outcomes",
        """
        Each home/browse impression with what happened in the next 24h: click, play, minutes
        watched. Attribution is last-impression-wins within the same device.""",
        derived=D("core.impressions_sessionized", "core.playback_sessions"),
        wf=wf_core_imp,
        rows=4_600_000_000,
        tags=("tier-1",),
        owners_=own("team-data-platform", "team-recs-ranking:steward"),
    )

    wf_search = workflow(
        f,
        "airflow.search_events_etl",
        """
        Joins search requests to clicks (request_id), drops orphan clicks, adds session id.""",
        reads=D("raw.search_queries", "raw.search_clicks"),
        props={"dag_id": "search_events_etl", "schedule": "40 * * * *"},
    )
    table(
        f,
        "staging.search_events",
        """
        One row per search request with clicked positions and whether a play followed within
        10 min. Query text is normalised (NFKC, lowercase) but not anonymised.""",
        derived=D("raw.search_queries", "raw.search_clicks"),
        wf=wf_search,
        part="dt/hr",
        rows=94_000_000,
        tags=("pii", "gdpr"),
    )

    wf_ads = workflow(
        f,
        "airflow.ads_events_etl",
        """
        Joins ad requests, impressions and clicks into one event table; IVT filtering
        happens here (vendor IVT list + our own rules).""",
        reads=D("raw.ad_requests", "raw.ad_impressions", "raw.ad_clicks"),
        owners_=own("team-data-platform", "team-ads-ml:consumer"),
        props={"dag_id": "ads_events_etl", "schedule": "10 * * * *", "engine": "spark-3.5"},
    )
    table(
        f,
        "staging.ad_events",
        """
        Ad request -> impression -> click funnel per ad slot. IVT-filtered. Revenue columns are
        estimates until the monthly advertiser reconciliation.""",
        derived=D("raw.ad_requests", "raw.ad_impressions", "raw.ad_clicks"),
        wf=wf_ads,
        part="dt/hr",
        rows=600_000_000,
        tags=("tier-1",),
    )

    wf_pay = workflow(
        f,
        "airflow.payments_etl",
        """
        Normalises processor payloads across the two PSPs, attaches the checkout device
        fingerprint.""",
        reads=D("raw.payments", "raw.device_fingerprints"),
        owners_=own("team-data-platform", "team-fraud-risk:consumer"),
        props={"dag_id": "payments_etl", "schedule": "*/15 * * * *"},
    )
    table(
        f,
        "staging.payments_normalized",
        """
        Payment attempts in one schema across PSPs, with device fingerprint at checkout (null
        for pre-v2 SDK apps). amount_usd uses the daily FX snapshot.""",
        derived=D("raw.payments", "raw.device_fingerprints"),
        wf=wf_pay,
        rows=95_000_000,
        tags=("pii", "pci"),
        extra={"retention_days": 2555},
    )

    wf_id = workflow(
        f,
        "airflow.identity_events_etl",
        """
        Login events + device fingerprints + GeoIP. GeoIP snapshot is weekly, so new IP
        ranges resolve to 'unknown' for a few days.""",
        reads=D("raw.login_events", "raw.device_fingerprints", "raw.geoip_lookup"),
        props={"dag_id": "identity_events_etl", "schedule": "5 * * * *"},
    )
    table(
        f,
        "staging.login_events_enriched",
        """
        Login attempts with device fingerprint, geo (city, ASN) and a datacenter-IP flag.""",
        derived=D("raw.login_events", "raw.device_fingerprints", "raw.geoip_lookup"),
        wf=wf_id,
        part="dt/hr",
        rows=47_000_000,
        tags=("pii", "gdpr"),
    )

    wf_rat = workflow(
        f,
        "airflow.ratings_daily",
        "Snapshots the latest rating per profile and title.",
        reads=D("raw.ratings"),
        props={"dag_id": "ratings_daily", "schedule": "0 5 * * *"},
    )
    table(
        f,
        "core.ratings_daily",
        "Latest rating per profile x title, as of each day.",
        derived=D("raw.ratings"),
        wf=wf_rat,
        rows=120_000_000,
    )
    wf_eng = workflow(
        f,
        "airflow.engagement_etl",
        """
        Two unrelated small jobs bundled in one DAG: notification engagement and support
        tickets. (Yes, that makes the lineage of both look wider than it is.)""",
        reads=D("raw.push_sends", "raw.push_opens", "raw.email_events", "raw.support_tickets"),
        props={"dag_id": "engagement_etl", "schedule": "0 5 * * *"},
    )
    table(
        f,
        "core.notification_engagement",
        """
        Push + email sends with open/click within 72h. Email opens unreliable since Apple MPP;
        prefer clicks.""",
        derived=D("raw.push_sends", "raw.push_opens", "raw.email_events"),
        wf=wf_eng,
        rows=60_000_000,
        tags=("pii",),
    )
    table(
        f,
        "staging.support_tickets_clean",
        """
        Support tickets mapped to account_id, categories normalised to the 2024 taxonomy.""",
        derived=D("raw.support_tickets"),
        wf=wf_eng,
        rows=58_000,
        tags=("pii",),
    )

    wf_legacy = workflow(
        f,
        "cron.legacy_watch_history_export",
        """
        Old nightly cron on etl-legacy-01 that dumps watch history for the continue-watching
        model. Nobody owns it since the 2023 re-org. Do not add consumers.""",
        reads=D("raw.playback_events"),
        owners_=NO_OWNER,
        tags=("deprecated",),
        props={"schedule": "15 1 * * *", "host": "etl-legacy-01", "runtime": "python2.7", "alerting": "none"},
        created="2019-04-02",
    )
    table(
        f,
        "legacy.watch_history_v1",
        """
        DEPRECATED since 2023-10 - use core.playback_sessions. Per-profile watch history with
        resume positions, built straight from raw events by the legacy cron. Still read by
        continue-watching training; migration tracked in RECS-2291. Timezone bug: dates are
        US/Pacific, not UTC.""",
        derived=D("raw.playback_events"),
        wf=wf_legacy,
        fmt="csv.gz",
        rows=2_300_000_000,
        ns="s3://streamly-legacy/watch_history_v1",
        tags=("deprecated", "pii"),
        owners_=own("ben.mcallister", "team-recs-ranking:steward"),
        created="2019-04-02",
        updated="2023-10-02",
    )
    table(
        f,
        "scratch.ctr_backfill_tmp_2023q3",
        """
        tmp backfill of CTR by row for Q3 2023, made for a one-off analysis. No owner, no
        schedule, not refreshed. Candidate for deletion.""",
        derived=D("core.impression_outcomes"),
        fmt="parquet",
        part=None,
        rows=8_400_000,
        ns="s3://streamly-scratch/ctr_backfill_tmp",
        owners_=NO_OWNER,
        tags=("scratch",),
        created="2023-10-19",
    )


# -- recommendations.yaml --------------------------------------------------------------


HOME_RANKER_V2_FEATURES = F(
    "recs.watch_time_7d",
    "recs.watch_time_28d",
    "recs.completion_rate_28d",
    "recs.genre_affinity_90d",
    "recs.binge_propensity",
    "recs.time_of_day_histogram",
    "recs.device_mix_28d",
    "recs.last_watched_titles",
    "recs.days_since_last_play",
    "recs.profile_language",
    "recs.kids_profile_flag",
    "recs.thumbs_ratio_90d",
    "recs.title_popularity_7d",
    "recs.title_popularity_trend",
    "recs.title_age_days",
    "recs.title_maturity_rating",
    "recs.title_genre_vector",
    "recs.title_avg_rating",
    "recs.title_regional_availability",
    "recs.user_title_affinity",
    "recs.title_completion_rate",
)
HOME_RANKER_V3_FEATURES = HOME_RANKER_V2_FEATURES + F(
    "recs.watch_time_trend",
    "recs.title_embedding",
    "recs.user_embedding",
    "recs.series_next_episode",
    "recs.continue_watching_progress",
    "recs.profile_maturity_level",
)


def build_recs() -> None:
    f = "recommendations.yaml"
    rank = own("team-recs-ranking", "marcus.oyelaran:tech-lead", "team-ml-serving-sre:oncall")
    cand = own("team-recs-candidates", "jae.park:tech-lead")
    DEFAULT_OWNERS[f] = own("team-recs-ranking")

    # labels and training data
    wf_labels = workflow(
        f,
        "airflow.recs_labels_daily",
        """
        Turns impression outcomes into ranking labels. Label definition lives in
        recs/labels.py - change it there, not in SQL.""",
        reads=D("core.impression_outcomes"),
        owners_=rank,
        props={"dag_id": "recs_labels_daily", "schedule": "30 9 * * *"},
    )
    table(
        f,
        "recs.labeled_impressions",
        """
        One row per home-page impression with labels played_24h, watch_min_24h, completed.
        Positive = >= 5 min watched, not any play (trailers autoplay). Kids profiles excluded
        from labels but kept for eval slices.""",
        derived=D("core.impression_outcomes"),
        wf=wf_labels,
        rows=3_900_000_000,
        tags=("tier-1",),
        owners_=rank,
    )
    wf_te = workflow(
        f,
        "airflow.recs_training_examples",
        """
        Point-in-time join of labeled impressions with feature snapshots (Feast offline store)
        into monthly training sets and held-out eval sets. Negatives downsampled 1:20. Heavy:
        ~3h on 400 executors.""",
        reads=D("recs.labeled_impressions", "staging.profiles_scd2", "core.title_catalog")
        + HOME_RANKER_V3_FEATURES,
        owners_=rank,
        tags=("tier-1",),
        props={
            "dag_id": "recs_training_examples",
            "schedule": "0 12 1 * *",
            "engine": "spark-3.5",
            "executors": 400,
            "avg_runtime_min": 185,
        },
    )
    for v, rows, created in [
        ("2023.10", 610_000_000, "2023-10-02"),
        ("2024.03", 680_000_000, "2024-03-02"),
        ("2024.06", 720_000_000, "2024-06-02"),
        ("2024.09", 745_000_000, "2024-09-02"),
    ]:
        note = {
            "2023.10": "First monthly snapshot after the impression-definition change.",
            "2024.03": "Adds title_genre_vector and user_title_affinity columns.",
            "2024.06": "90 days ending 2024-05-31. Used for home_ranker@3 and the distilled TV ranker.",
            "2024.09": "90 days ending 2024-08-31, APAC upweighted x2 (see RECS-2410). "
            "Slightly different label window for JP - 48h.",
        }[v]
        table(
            f,
            f"recs.training_examples@{v}",
            f"Home ranker training set. {note}",
            wf=wf_te,
            part="split",
            rows=rows,
            tags=("tier-1",) if v >= "2024.06" else (),
            created=created,
            extra={"negatives_per_positive": 20, "window_days": 90},
        )
    for v, created in [("2024.03", "2024-03-02"), ("2024.06", "2024-06-02"), ("2024.09", "2024-09-02")]:
        table(
            f,
            f"recs.eval_holdout@{v}",
            f"""
              Held-out week after the {v} training window, no downsampling. Use with the
              slice definitions in recs/eval/slices.yaml.""",
            wf=wf_te,
            part="slice",
            rows=52_000_000,
            tags=("golden",),
            created=created,
        )

    wf_row = workflow(
        f,
        "airflow.recs_row_engagement_daily",
        """
        Plays attributed to the row they started from (source_row_id in playback events).""",
        reads=D("core.playback_sessions"),
        props={"schedule": "0 10 * * *"},
    )
    table(
        f,
        "recs.row_engagement",
        """
        Per profile x row type x day: plays and minutes started from that row. Rows added in
        the last 14 days have too little data; row_selector skips them.""",
        derived=D("core.playback_sessions"),
        wf=wf_row,
        rows=800_000_000,
    )

    wf_pairs = workflow(
        f,
        "spark.candidate_pairs_builder",
        """
        Builds (profile, positive title, sampled negatives) pairs for retrieval training.
        In-batch + popularity-sampled negatives.""",
        reads=D("core.playback_sessions", "core.dim_profile"),
        owners_=cand,
        props={"schedule": "manual", "engine": "spark-3.5"},
    )
    for v, rows in [("2024.01", 1_800_000_000), ("2024.05", 2_100_000_000), ("2024.08", 2_250_000_000)]:
        table(
            f,
            f"recs.candidate_training_pairs@{v}",
            f"""
              Retrieval training pairs, snapshot {v}.
              {
                "Hard negatives added from this version on." if v >= "2024.05" else "Random negatives only."
            }""",
            derived=D("core.playback_sessions"),
            wf=wf_pairs,
            part=None,
            rows=rows,
            owners_=cand,
            created=f"{v.replace('.', '-')}-15",
        )

    wf_aux = workflow(
        f,
        "airflow.recs_aux_training_data",
        """
        Training data for continue watching and cold start.
        Still reads legacy.watch_history_v1 for resume points - RECS-2291.""",
        reads=D("legacy.watch_history_v1", "core.playback_sessions", "core.dim_profile"),
        props={"dag_id": "recs_aux_training_data", "schedule": "0 14 * * 1"},
    )
    table(
        f,
        "recs.cw_training_set",
        """
        Continue-watching: which in-progress titles got resumed within 7 days. Resume points
        come from legacy.watch_history_v1 because core.playback_sessions lost sub-minute
        positions before 2024-01.""",
        derived=D("legacy.watch_history_v1", "core.playback_sessions"),
        wf=wf_aux,
        rows=140_000_000,
        tags=("tier-1",),
    )
    wf_cooc = workflow(
        f,
        "spark.byw_cooccurrence",
        "Co-watch counts for BYW and item2vec.",
        reads=D("core.playback_sessions"),
        owners_=cand,
        props={"schedule": "0 13 * * *", "engine": "spark-3.5"},
    )
    table(
        f,
        "recs.byw_cooccurrence",
        """
        Title co-watch counts within 14 days per profile, PMI-normalised. Kids profiles
        excluded.""",
        derived=D("core.playback_sessions"),
        wf=wf_cooc,
        part=None,
        rows=95_000_000,
        owners_=cand,
    )
    table(
        f,
        "recs.coldstart_onboarding_sessions",
        """
        First 7 days of new profiles: onboarding picks plus what they actually watched.""",
        derived=D("core.playback_sessions", "core.dim_profile"),
        wf=wf_aux,
        rows=9_000_000,
    )
    wf_art = workflow(
        f,
        "airflow.artwork_training_data",
        "Joins artwork-served logs to plays within 24h.",
        reads=D("raw.artwork_impressions", "core.playback_sessions", "core.title_catalog"),
        props={"dag_id": "artwork_training_data", "schedule": "0 15 * * 1"},
    )
    table(
        f,
        "recs.artwork_training_set",
        """
        Artwork variant shown x did the profile play the title within 24h. Only personalised
        rows; editorial rows use fixed artwork.""",
        derived=D("raw.artwork_impressions", "core.playback_sessions", "core.title_catalog"),
        wf=wf_art,
        rows=600_000_000,
    )

    wf_temb = workflow(
        f,
        "airflow.title_embeddings_export",
        """
        Batch inference: title tower of title_embeddings@2 over the whole catalogue, nightly.""",
        reads=M("recs.title_embeddings@2") + D("core.title_catalog"),
        owners_=cand,
        props={"schedule": "0 4 * * *", "gpu": "1x T4"},
    )
    table(
        f,
        "recs.title_embedding_vectors",
        """
        256-d title vectors from title_embeddings@2. Rebuilt nightly; vectors change meaning
        when the model version changes - check model_version column.""",
        derived=D("core.title_catalog"),
        wf=wf_temb,
        part="model_version",
        rows=412_000,
        owners_=cand,
    )
    wf_uemb = workflow(
        f,
        "airflow.two_tower_embedding_export",
        """
        Batch inference: user tower of candidate_two_tower@3 for active profiles (played in
        the last 90d).""",
        reads=M("recs.candidate_two_tower@3") + D("core.dim_profile"),
        owners_=cand,
        props={"schedule": "0 5 * * *", "gpu": "4x T4"},
    )
    table(
        f,
        "recs.user_embedding_vectors",
        "128-d user vectors from candidate_two_tower@3.",
        derived=D("core.dim_profile"),
        wf=wf_uemb,
        rows=3_100_000,
        tags=("pii",),
        owners_=cand,
    )

    # features
    wu = workflow(
        f,
        "feast.recs_viewing_features",
        """
        Feast materialization for the profile viewing feature views (offline -> Redis). The
        last_watched_titles stream is pushed separately by playback-api.""",
        auto=True,
        props={"feast_project": "streamly-recs", "feature_view": "profile_viewing", "schedule": "0 10 * * *"},
    )
    wp = workflow(
        f,
        "feast.recs_profile_features",
        """
        Feast materialization for profile attributes and ratings. Cheap; reruns hourly so
        new profiles get features the same day.""",
        auto=True,
        props={"feast_project": "streamly-recs", "feature_view": "profile_attrs", "schedule": "5 * * * *"},
    )
    wt = workflow(
        f,
        "feast.recs_title_features",
        """
        Feast materialization for title metadata features (catalogue, ML genres,
        availability) plus the on-demand user x title view.""",
        auto=True,
        props={"feast_project": "streamly-recs", "feature_view": "title_meta", "schedule": "0 4 * * *"},
    )
    wtp = workflow(
        f,
        "feast.recs_title_popularity",
        """
        Title popularity and ratings features. Runs twice a day so popularity catches evening
        peaks.""",
        auto=True,
        props={
            "feast_project": "streamly-recs",
            "feature_view": "title_popularity",
            "schedule": "0 10,22 * * *",
        },
    )
    P = "profile_id"
    feature(
        f,
        "recs.watch_time_7d",
        "Minutes watched, trailing 7 days. Excludes trailers and autoplay previews (< 60s).",
        src=D("core.daily_viewing_by_profile"),
        wf=wu,
        entity=P,
        window="7d",
        tags=("tier-1",),
    )
    feature(
        f,
        "recs.watch_time_28d",
        "Same as watch_time_7d over 28 days.",
        src=D("core.daily_viewing_by_profile"),
        wf=wu,
        entity=P,
        window="28d",
    )
    feature(
        f,
        "recs.watch_time_trend",
        """
            watch_time_7d / (watch_time_28d / 4), clipped to [0, 4]. Null when 28d < 30 min -
            too noisy.""",
        derived=F("recs.watch_time_7d", "recs.watch_time_28d"),
        wf=wu,
        entity=P,
    )
    feature(
        f,
        "recs.completion_rate_28d",
        """
            Share of started titles watched past 90% (movies) or to the credits marker
            (episodes). Credits markers missing for ~8% of back catalogue -> falls back to 95%.""",
        src=D("core.playback_sessions"),
        wf=wu,
        entity=P,
        window="28d",
    )
    feature(
        f,
        "recs.genre_affinity_90d",
        """
            Watch-time share per CMS genre (48 genres), decayed with 21d half-life. Uses CMS
            genres, not ML genres.""",
        src=D("core.playback_sessions", "core.title_catalog"),
        wf=wu,
        entity=P,
        dtype="array<float>[48]",
        window="90d",
        tags=("tier-1",),
    )
    feature(
        f,
        "recs.binge_propensity",
        "Avg episodes per session for series, last 60d.",
        src=D("core.playback_sessions"),
        wf=wu,
        entity=P,
        window="60d",
    )
    feature(
        f,
        "recs.last_watched_titles",
        """
            Last 20 title_ids, most recent first. Streamed from playback-api (15 min
            freshness), batch backfill nightly. Empty list != missing.""",
        src=D("core.playback_sessions"),
        wf=wu,
        entity=P,
        dtype="array<string>",
        freshness="15m",
        tags=("tier-1", "realtime"),
    )
    feature(
        f,
        "recs.time_of_day_histogram",
        """
            Local-hour histogram of viewing (24 bins). Timezone from device; falls back to
            billing country, which is wrong for travellers.""",
        src=D("core.playback_sessions"),
        wf=wu,
        entity=P,
        dtype="array<float>[24]",
        window="56d",
    )
    feature(
        f,
        "recs.device_mix_28d",
        "Watch-time share by device class (tv, mobile, web, console).",
        src=D("core.playback_sessions"),
        wf=wu,
        entity=P,
        dtype="map<string,float>",
        window="28d",
    )
    feature(
        f,
        "recs.days_since_last_play",
        "Days since last play >= 60s. 999 = never.",
        src=D("core.daily_viewing_by_profile"),
        wf=wu,
        entity=P,
        dtype="int",
    )
    feature(
        f,
        "recs.profile_age_days",
        "Days since profile creation.",
        src=D("staging.profiles_scd2"),
        wf=wp,
        entity=P,
        dtype="int",
    )
    feature(
        f,
        "recs.profile_maturity_level",
        "Maturity setting of the profile (parental controls).",
        src=D("core.dim_profile"),
        wf=wp,
        entity=P,
        dtype="string",
    )
    feature(
        f,
        "recs.profile_language",
        "UI language of the profile, BCP-47.",
        src=D("core.dim_profile"),
        wf=wp,
        entity=P,
        dtype="string",
    )
    feature(
        f,
        "recs.kids_profile_flag",
        "True for kids profiles. Ranker must not be the only "
        "guard - the maturity filter in home-feed-api is.",
        src=D("core.dim_profile"),
        wf=wp,
        entity=P,
        dtype="bool",
        tags=("tier-1",),
    )
    feature(
        f,
        "recs.thumbs_ratio_90d",
        "(up - down) / ratings over 90d; null under 3 ratings.",
        src=D("core.ratings_daily"),
        wf=wp,
        entity=P,
        window="90d",
    )
    feature(
        f,
        "recs.user_embedding",
        """
            User tower output of candidate_two_tower@3, pushed to the online store by the
            export DAG. Don't compare across model versions.""",
        src=D("recs.user_embedding_vectors"),
        wf=wf_uemb,
        entity=P,
        dtype="array<float>[128]",
        owners_=cand,
    )
    feature(
        f,
        "recs.continue_watching_progress",
        "Resume position and % complete for in-progress titles (max 30).",
        src=D("core.playback_sessions"),
        wf=wu,
        entity=P,
        dtype="array<struct>",
        freshness="1h",
        tags=("tier-1",),
    )
    feature(
        f,
        "recs.series_next_episode",
        "Next unwatched episode per in-progress series.",
        src=D("core.playback_sessions", "core.title_catalog"),
        wf=wu,
        entity=P,
        dtype="map<string,string>",
        freshness="1h",
    )
    feature(
        f,
        "recs.new_member_onboarding_picks",
        """
            Titles picked on the onboarding 'choose 3' screen. Only for profiles created after
            2023-03; empty otherwise.""",
        src=D("staging.profiles_scd2"),
        wf=wp,
        entity=P,
        dtype="array<string>",
    )
    feature(
        f,
        "recs.user_title_affinity",
        """
            Dot product of genre_affinity_90d and title_genre_vector. On-demand feature,
            computed at request time in the feature server.""",
        derived=F("recs.genre_affinity_90d", "recs.title_genre_vector"),
        wf=wt,
        entity="profile_id,title_id",
        store="on-demand",
        freshness="request-time",
    )
    T = "title_id"
    feature(
        f,
        "recs.title_popularity_1d",
        "Unique viewers yesterday, log-scaled, per country.",
        src=D("core.title_viewing_daily"),
        wf=wtp,
        entity=T,
        window="1d",
        freshness="12h",
    )
    feature(
        f,
        "recs.title_popularity_7d",
        "Unique viewers last 7d, log-scaled, per country.",
        src=D("core.title_viewing_daily"),
        wf=wtp,
        entity=T,
        window="7d",
        freshness="12h",
        tags=("tier-1",),
    )
    feature(
        f,
        "recs.title_popularity_trend",
        "popularity_1d vs 7d daily average. Spiky for new releases by design.",
        derived=F("recs.title_popularity_1d", "recs.title_popularity_7d"),
        wf=wtp,
        entity=T,
        freshness="12h",
    )
    feature(
        f,
        "recs.title_completion_rate",
        "Share of viewers finishing the title (movie) or episode 1 (series), 28d.",
        src=D("core.title_viewing_daily"),
        wf=wtp,
        entity=T,
        window="28d",
    )
    feature(
        f,
        "recs.title_age_days",
        "Days since the title became available in the viewer's country.",
        src=D("core.title_catalog"),
        wf=wt,
        entity=T,
        dtype="int",
    )
    feature(
        f,
        "recs.title_maturity_rating",
        "Normalised maturity rating (0-5) across rating systems.",
        src=D("core.title_catalog"),
        wf=wt,
        entity=T,
        dtype="int",
    )
    feature(
        f,
        "recs.title_genre_vector",
        """
            ML genre probabilities from content.title_genre_predictions. 62 genres - not the
            same list as the CMS genres.""",
        src=D("content.title_genre_predictions"),
        wf=wt,
        entity=T,
        dtype="array<float>[62]",
    )
    feature(
        f,
        "recs.title_embedding",
        "256-d title vector (title_embeddings@2), pushed by the export DAG.",
        src=D("recs.title_embedding_vectors"),
        wf=wf_temb,
        entity=T,
        dtype="array<float>[256]",
        owners_=cand,
    )
    feature(
        f,
        "recs.title_avg_rating",
        "Bayesian-smoothed thumbs score per title.",
        src=D("core.ratings_daily"),
        wf=wtp,
        entity=T,
    )
    feature(
        f,
        "recs.title_regional_availability",
        "Bitmask of territories where the title is licensed today.",
        src=D("core.title_catalog"),
        wf=wt,
        entity=T,
        dtype="bytes",
    )
    feature(
        f,
        "recs.row_historical_engagement",
        "Play rate per row type x device class, 28d.",
        src=D("recs.row_engagement"),
        wf=wtp,
        entity="row_type,device_class",
        window="28d",
    )
    wctr = workflow(
        f,
        "spark.recs_ctr_features_legacy",
        """
        Old CTR feature job. Only kept alive for home_ranker@1 replays; turn off with it.""",
        reads=D("core.impression_outcomes"),
        tags=("deprecated",),
        owners_=own("marcus.oyelaran"),
        props={"schedule": "0 11 * * *"},
        created="2022-08-01",
    )
    feature(
        f,
        "recs.title_ctr_7d",
        """
            DEPRECATED. Click-through rate per title on home, 7d. Position-biased (top rows
            dominate); dropped from home_ranker@2 onwards.""",
        src=D("core.impression_outcomes"),
        wf=wctr,
        entity=T,
        window="7d",
        tags=("deprecated",),
        owners_=own("marcus.oyelaran"),
        created="2022-08-03",
    )

    # models
    wf_rank = workflow(
        f,
        "kubeflow.home_ranker_training",
        """
        Full training of the home ranker on 8x A100. Warm start is configured in the
        pipeline params, not in the registry.""",
        reads=D(
            "recs.training_examples@2023.10",
            "recs.training_examples@2024.03",
            "recs.training_examples@2024.06",
        ),
        owners_=rank,
        props={"pipeline": "home-ranker-train", "gpu": "8x A100", "avg_runtime_h": 11},
    )
    wf_ft = workflow(
        f,
        "kubeflow.home_ranker_finetune",
        """
        Fine-tunes a registered ranker on a newer snapshot (last 2 layers + embeddings,
        2 epochs). Cheaper than a full retrain; used for the APAC fine-tune.""",
        reads=M("recs.home_ranker@3") + D("recs.training_examples@2024.09"),
        owners_=rank,
        props={"pipeline": "home-ranker-finetune", "gpu": "4x A100", "avg_runtime_h": 3},
    )
    wf_distill = workflow(
        f,
        "kubeflow.ranker_distillation",
        """
        Distills the home ranker into a small MLP for TV devices (teacher logits on 2024.06
        training set).""",
        reads=M("recs.home_ranker@3") + D("recs.training_examples@2024.06"),
        owners_=rank,
        props={"pipeline": "ranker-distill", "gpu": "2x A100"},
    )
    model(
        f,
        "recs.home_ranker",
        1,
        """
        LightGBM lambdarank, 10 features. Retired 2024-04. Kept in the registry for replay
        comparisons only.""",
        trained_on=D("recs.training_examples@2023.10"),
        features=F(
            "recs.watch_time_7d",
            "recs.watch_time_28d",
            "recs.completion_rate_28d",
            "recs.genre_affinity_90d",
            "recs.title_popularity_7d",
            "recs.title_age_days",
            "recs.title_ctr_7d",
            "recs.profile_language",
            "recs.kids_profile_flag",
            "recs.days_since_last_play",
        ),
        wf=wf_rank,
        created="2023-10-09",
        tags=("retired", "deprecated"),
        owners_=rank,
        props={
            "framework": "lightgbm-3.3",
            "objective": "lambdarank",
            "num_trees": 1200,
            "metrics": {"ndcg@10": 0.412, "auc": 0.771},
            "stage": "archived",
        },
    )
    model(
        f,
        "recs.home_ranker",
        2,
        """
        DCN-v2 (TF 2.13), new architecture, trained from scratch. Dropped title_ctr_7d
        (position bias). Replaced by @3 in June 2024.""",
        trained_on=D("recs.training_examples@2024.03"),
        features=HOME_RANKER_V2_FEATURES,
        wf=wf_rank,
        created="2024-03-21",
        tags=("retired",),
        owners_=rank,
        props={
            "framework": "tensorflow-2.13",
            "architecture": "dcn-v2",
            "params_m": 41,
            "metrics": {"ndcg@10": 0.436, "auc": 0.802},
            "stage": "archived",
        },
    )
    model(
        f,
        "recs.home_ranker",
        3,
        """
        @2 warm-started and retrained on 2024.06 with embeddings + continue-watching inputs.
        Now the rollback target for @4 - still deployed at 0% traffic, keep it warm.""",
        trained_on=D("recs.training_examples@2024.06"),
        features=HOME_RANKER_V3_FEATURES,
        based_on=M("recs.home_ranker@2"),
        wf=wf_rank,
        created="2024-06-24",
        tags=("tier-1",),
        owners_=rank,
        props={
            "framework": "tensorflow-2.15",
            "architecture": "dcn-v2",
            "params_m": 58,
            "metrics": {"ndcg@10": 0.447, "auc": 0.811, "ndcg@10_apac": 0.409},
            "stage": "production",
            "traffic_pct": 0,
            "serving": {"p99_ms": 38, "batch": 200},
        },
    )
    model(
        f,
        "recs.home_ranker",
        4,
        """
        Fine-tune of @3 on 2024.09 with APAC upweighted. +1.2% ndcg@10 overall, +5% APAC.
        Known issue: slightly worse on kids profiles (-0.4%), accepted in RECS-2433.""",
        trained_on=D("recs.training_examples@2024.09"),
        features=HOME_RANKER_V3_FEATURES,
        based_on=M("recs.home_ranker@3"),
        wf=wf_ft,
        created="2024-09-12",
        updated="2024-10-08",
        tags=("tier-1",),
        owners_=rank,
        props={
            "framework": "tensorflow-2.15",
            "architecture": "dcn-v2",
            "params_m": 58,
            "metrics": {"ndcg@10": 0.452, "auc": 0.814, "ndcg@10_apac": 0.431, "ndcg@10_kids": 0.371},
            "stage": "production",
            "traffic_pct": 100,
            "serving": {"p99_ms": 39, "batch": 200},
        },
    )
    model(
        f,
        "recs.home_ranker_distilled",
        1,
        """
        4-layer MLP distilled from home_ranker@3 for TV devices (edge-svc, 4 ms p99 budget).
        Uses 12 of the teacher's features; the rest were too expensive to fetch.""",
        trained_on=D("recs.training_examples@2024.06"),
        features=F(
            "recs.watch_time_7d",
            "recs.genre_affinity_90d",
            "recs.last_watched_titles",
            "recs.device_mix_28d",
            "recs.kids_profile_flag",
            "recs.profile_language",
            "recs.title_popularity_7d",
            "recs.title_age_days",
            "recs.title_maturity_rating",
            "recs.title_genre_vector",
            "recs.user_title_affinity",
            "recs.continue_watching_progress",
        ),
        based_on=M("recs.home_ranker@3"),
        wf=wf_distill,
        created="2024-07-18",
        tags=("tier-2",),
        owners_=rank,
        props={
            "framework": "pytorch-2.3",
            "export": "onnx",
            "params_m": 1.6,
            "metrics": {"ndcg@10": 0.438, "teacher_agreement@10": 0.91},
            "serving": {"p99_ms": 4},
        },
    )

    wf_cand = workflow(
        f,
        "kubeflow.candidate_retrieval_training",
        """
        Two-tower and item2vec training for candidate generation. Also builds the ScaNN index
        that candidate-retrieval-svc loads.""",
        reads=D(
            "recs.candidate_training_pairs@2024.01",
            "recs.candidate_training_pairs@2024.05",
            "recs.candidate_training_pairs@2024.08",
            "recs.byw_cooccurrence",
            "content.subtitle_text",
            "core.title_catalog",
        )
        + M("ml-platform.text_encoder_base@1"),
        owners_=cand,
        props={"pipeline": "candgen-train", "gpu": "8x A100"},
    )
    two_tower_feats = F(
        "recs.genre_affinity_90d",
        "recs.last_watched_titles",
        "recs.profile_language",
        "recs.kids_profile_flag",
        "recs.title_age_days",
        "recs.title_maturity_rating",
    )
    model(
        f,
        "recs.candidate_two_tower",
        1,
        "Two-tower retrieval, random negatives. recall@200 0.31. Superseded.",
        trained_on=D("recs.candidate_training_pairs@2024.01"),
        features=two_tower_feats,
        wf=wf_cand,
        created="2024-01-25",
        tags=("retired",),
        owners_=cand,
        props={"framework": "tensorflow-2.13", "embedding_dim": 128, "metrics": {"recall@200": 0.31}},
    )
    model(
        f,
        "recs.candidate_two_tower",
        2,
        """
        Retrained from scratch with mixed negatives (in-batch + popularity sampled) and
        device/time context on the user tower.""",
        trained_on=D("recs.candidate_training_pairs@2024.05"),
        features=two_tower_feats + F("recs.device_mix_28d", "recs.time_of_day_histogram"),
        wf=wf_cand,
        created="2024-05-28",
        tags=("retired",),
        owners_=cand,
        props={"framework": "tensorflow-2.15", "embedding_dim": 128, "metrics": {"recall@200": 0.36}},
    )
    model(
        f,
        "recs.candidate_two_tower",
        3,
        """
        Warm start from @2, adds ML genre vector to the item tower. Index rebuild takes
        40 min - deploys go out at 05:00 UTC.""",
        trained_on=D("recs.candidate_training_pairs@2024.08"),
        features=two_tower_feats
        + F(
            "recs.device_mix_28d",
            "recs.time_of_day_histogram",
            "recs.title_genre_vector",
            "recs.watch_time_28d",
        ),
        based_on=M("recs.candidate_two_tower@2"),
        wf=wf_cand,
        created="2024-08-30",
        tags=("tier-1",),
        owners_=cand,
        props={
            "framework": "tensorflow-2.15",
            "embedding_dim": 128,
            "index": "scann",
            "metrics": {"recall@200": 0.38, "recall@50": 0.19},
        },
    )
    model(
        f,
        "recs.title_embeddings",
        1,
        "item2vec on co-watch sequences. Cheap, decent for head titles, useless for new releases.",
        trained_on=D("recs.byw_cooccurrence"),
        wf=wf_cand,
        created="2023-12-01",
        owners_=cand,
        props={"framework": "gensim-4.3", "dim": 256, "window": 5},
    )
    model(
        f,
        "recs.title_embeddings",
        2,
        """
        Text tower initialised from ml-platform text_encoder_base@1 (synopsis + subtitles),
        then contrastive on co-watch. Cold-start titles get a usable vector from day one.""",
        trained_on=D("recs.byw_cooccurrence", "content.subtitle_text", "core.title_catalog"),
        based_on=M("ml-platform.text_encoder_base@1"),
        wf=wf_cand,
        created="2024-07-15",
        tags=("tier-2",),
        owners_=cand,
        props={"framework": "pytorch-2.3", "dim": 256, "metrics": {"genre_knn_precision@10": 0.71}},
    )

    wf_small = workflow(
        f,
        "metaflow.recs_small_models",
        """
        One Metaflow flow per small recs model (continue watching, BYW, row selector, cold
        start, artwork, trending). CPU only. Weekly, Monday 16:00 UTC.""",
        reads=D(
            "recs.cw_training_set",
            "legacy.watch_history_v1",
            "recs.byw_cooccurrence",
            "recs.row_engagement",
            "recs.coldstart_onboarding_sessions",
            "recs.artwork_training_set",
            "core.title_viewing_daily",
        )
        + M("recs.title_embeddings@2", "ml-platform.image_encoder_base@1"),
        props={
            "flows": [
                "ContinueWatchingFlow",
                "ByWFlow",
                "RowSelectorFlow",
                "ColdStartFlow",
                "ArtworkFlow",
                "TrendingFlow",
            ],
            "schedule": "0 16 * * 1",
        },
    )
    model(
        f,
        "recs.continue_watching",
        1,
        "GBM ranking in-progress titles for the CW row.",
        trained_on=D("legacy.watch_history_v1"),
        features=F(
            "recs.continue_watching_progress", "recs.series_next_episode", "recs.days_since_last_play"
        ),
        wf=wf_small,
        created="2022-11-03",
        tags=("retired",),
        props={"framework": "xgboost-1.6", "metrics": {"resume_rate@3": 0.42}},
    )
    model(
        f,
        "recs.continue_watching",
        2,
        """
        Ranks in-progress titles for the Continue Watching row. Still trained on
        legacy.watch_history_v1 resume points (deprecated source!) - RECS-2291 moves it to
        core.playback_sessions. Do not retrain without checking the timezone fix.""",
        trained_on=D("legacy.watch_history_v1", "recs.cw_training_set"),
        features=F(
            "recs.continue_watching_progress",
            "recs.series_next_episode",
            "recs.days_since_last_play",
            "recs.time_of_day_histogram",
            "recs.binge_propensity",
            "recs.device_mix_28d",
        ),
        based_on=M("recs.continue_watching@1"),
        wf=wf_small,
        created="2023-08-21",
        tags=("tier-1",),
        owners_=own("team-recs-ranking", "marcus.oyelaran:owner", "team-ml-serving-sre:oncall"),
        props={
            "framework": "xgboost-1.7",
            "metrics": {"resume_rate@3": 0.47, "auc": 0.83},
            "stage": "production",
            "known_issues": ["RECS-2291"],
        },
    )
    model(
        f,
        "recs.because_you_watched",
        1,
        "Co-watch lookup + popularity re-rank.",
        trained_on=D("recs.byw_cooccurrence"),
        features=F("recs.last_watched_titles", "recs.title_popularity_7d"),
        wf=wf_small,
        created="2023-05-16",
        tags=("retired",),
        owners_=cand,
        props={"framework": "sklearn-1.2", "metrics": {"hit_rate@10": 0.22}},
    )
    model(
        f,
        "recs.because_you_watched",
        2,
        """
        Nearest neighbours in title_embeddings@2 space, re-ranked by co-watch and
        availability. Filters titles the profile already finished.""",
        trained_on=D("recs.byw_cooccurrence"),
        features=F(
            "recs.last_watched_titles",
            "recs.title_embedding",
            "recs.title_popularity_7d",
            "recs.title_regional_availability",
        ),
        based_on=M("recs.title_embeddings@2"),
        wf=wf_small,
        created="2024-07-29",
        tags=("tier-2",),
        owners_=cand,
        props={"framework": "faiss+lightgbm", "metrics": {"hit_rate@10": 0.27}},
    )
    model(
        f,
        "recs.row_selector",
        1,
        "Picks and orders the rows on the home page (which row types, not which titles).",
        trained_on=D("recs.row_engagement"),
        features=F("recs.row_historical_engagement", "recs.device_mix_28d", "recs.time_of_day_histogram"),
        wf=wf_small,
        created="2023-09-12",
        tags=("retired",),
        props={"framework": "vowpal-wabbit", "policy": "contextual-bandit"},
    )
    model(
        f,
        "recs.row_selector",
        2,
        """
        Contextual bandit over row types; @1 plus profile context. Exploration 5% epsilon -
        don't read row_engagement for the exploration slice without IPS weights.""",
        trained_on=D("recs.row_engagement"),
        features=F(
            "recs.row_historical_engagement",
            "recs.device_mix_28d",
            "recs.time_of_day_histogram",
            "recs.genre_affinity_90d",
            "recs.kids_profile_flag",
            "recs.watch_time_trend",
        ),
        based_on=M("recs.row_selector@1"),
        wf=wf_small,
        created="2024-04-15",
        tags=("tier-1",),
        props={
            "framework": "vowpal-wabbit",
            "policy": "contextual-bandit",
            "epsilon": 0.05,
            "metrics": {"ips_play_rate": 0.118},
        },
    )
    model(
        f,
        "recs.artwork_personalizer",
        1,
        "Bandit choosing one of up to 8 artwork variants per title and profile.",
        trained_on=D("recs.artwork_training_set"),
        features=F("recs.genre_affinity_90d", "content.artwork_visual_features"),
        wf=wf_small,
        created="2023-07-07",
        tags=("retired",),
        props={"framework": "vowpal-wabbit"},
    )
    model(
        f,
        "recs.artwork_personalizer",
        2,
        """
        Image features from ml-platform image_encoder_base@1 + user embedding. Only titles with
        >= 3 artwork variants; others get the default.""",
        trained_on=D("recs.artwork_training_set"),
        features=F(
            "recs.genre_affinity_90d",
            "content.artwork_visual_features",
            "recs.user_embedding",
            "recs.device_mix_28d",
        ),
        based_on=M("ml-platform.image_encoder_base@1"),
        wf=wf_small,
        created="2024-05-06",
        tags=("tier-2",),
        props={"framework": "pytorch-2.2", "metrics": {"take_rate_lift": 0.031}},
    )
    model(
        f,
        "recs.new_user_coldstart",
        1,
        "Popularity by language + onboarding picks.",
        trained_on=D("recs.coldstart_onboarding_sessions"),
        features=F(
            "recs.new_member_onboarding_picks",
            "recs.profile_language",
            "recs.title_popularity_7d",
            "recs.profile_age_days",
        ),
        wf=wf_small,
        created="2023-04-18",
        owners_=cand,
        props={"framework": "lightgbm-3.3", "metrics": {"d7_play_rate": 0.61}},
    )
    model(
        f,
        "recs.new_user_coldstart",
        2,
        """
        @1 + maturity/kids awareness and ML genres. At 20% of new profiles while we check the
        d28 retention readout.""",
        trained_on=D("recs.coldstart_onboarding_sessions"),
        features=F(
            "recs.new_member_onboarding_picks",
            "recs.profile_language",
            "recs.title_popularity_7d",
            "recs.profile_age_days",
            "recs.kids_profile_flag",
            "recs.profile_maturity_level",
            "recs.title_genre_vector",
        ),
        based_on=M("recs.new_user_coldstart@1"),
        wf=wf_small,
        created="2024-06-10",
        tags=("experimental",),
        owners_=cand,
        props={"framework": "lightgbm-4.1", "metrics": {"d7_play_rate": 0.63}, "traffic_pct": 20},
    )
    model(
        f,
        "recs.trending_now",
        1,
        """
        Not really ML: a decay-weighted popularity fit per country with a GBM correction for
        release-day spikes. Retrained weekly.""",
        trained_on=D("core.title_viewing_daily"),
        features=F(
            "recs.title_popularity_1d",
            "recs.title_popularity_7d",
            "recs.title_popularity_trend",
            "recs.title_regional_availability",
            "recs.title_age_days",
        ),
        wf=wf_small,
        created="2023-02-14",
        tags=("tier-2",),
        props={"framework": "lightgbm-3.3", "refresh": "weekly"},
    )

    # evaluations
    wf_eval = workflow(
        f,
        "kubeflow.recs_offline_eval",
        """
        Offline eval harness for recs models: replays holdout sets, computes ranking metrics
        per slice, posts the report to the model card.""",
        reads=D(
            "recs.eval_holdout@2024.03",
            "recs.eval_holdout@2024.06",
            "recs.eval_holdout@2024.09",
            "content.genre_gold_labels",
        )
        + M(
            "recs.home_ranker@2",
            "recs.home_ranker@3",
            "recs.home_ranker@4",
            "recs.home_ranker_distilled@1",
            "recs.candidate_two_tower@2",
            "recs.candidate_two_tower@3",
            "recs.continue_watching@2",
            "recs.because_you_watched@2",
            "recs.row_selector@2",
            "recs.artwork_personalizer@2",
            "recs.new_user_coldstart@2",
            "recs.title_embeddings@2",
        ),
        owners_=rank,
        props={"pipeline": "recs-offline-eval", "trigger": "on model register"},
    )
    ev = [
        (
            "home_ranker@2.offline",
            ["recs.home_ranker@2"],
            ["recs.eval_holdout@2024.03"],
            "2024-03-22",
            "Baseline run for DCN-v2. ndcg@10 0.436 vs 0.412 for @1.",
            {"ndcg@10": 0.436, "auc": 0.802},
        ),
        (
            "home_ranker@3.offline",
            ["recs.home_ranker@3"],
            ["recs.eval_holdout@2024.06"],
            "2024-06-25",
            "All slices up; new-member slice +2.3%. Approved for A/B (exp-2024-031-ranker-v3).",
            {"ndcg@10": 0.447, "auc": 0.811},
        ),
        (
            "home_ranker@4.offline",
            ["recs.home_ranker@4"],
            ["recs.eval_holdout@2024.09"],
            "2024-09-13",
            "ndcg@10 0.452 (+1.2% vs @3 on the same holdout).",
            {"ndcg@10": 0.452, "auc": 0.814},
        ),
        (
            "home_ranker@4.apac_slice",
            ["recs.home_ranker@4"],
            ["recs.eval_holdout@2024.09"],
            "2024-09-13",
            "APAC only (JP, KR, AU, IN). The reason for the fine-tune: +5.4%. "
            "JP label window is 48h, don't compare raw numbers with other regions.",
            {"ndcg@10": 0.431, "slice": "region in (JP,KR,AU,IN)"},
        ),
        (
            "home_ranker@4.kids_slice",
            ["recs.home_ranker@4"],
            ["recs.eval_holdout@2024.09"],
            "2024-09-13",
            "Kids profiles: -0.4% vs @3. Accepted (RECS-2433), revisit with @5.",
            {"ndcg@10": 0.371, "slice": "kids_profile = true"},
        ),
        (
            "home_ranker@4.vs_at3_replay",
            ["recs.home_ranker@4", "recs.home_ranker@3"],
            ["recs.eval_holdout@2024.09"],
            "2024-09-14",
            "Side-by-side replay, same requests. 71% identical top-10; diffs mostly APAC.",
            {"top10_overlap": 0.71},
        ),
        (
            "home_ranker_distilled@1.parity",
            ["recs.home_ranker_distilled@1", "recs.home_ranker@3"],
            ["recs.eval_holdout@2024.06"],
            "2024-07-19",
            "Student vs teacher: -2.1% ndcg@10, 91% top-10 agreement. Good enough for TV.",
            {"ndcg@10": 0.438, "teacher_agreement@10": 0.91},
        ),
        (
            "candidate_two_tower@2.recall",
            ["recs.candidate_two_tower@2"],
            ["recs.eval_holdout@2024.03"],
            "2024-05-30",
            "recall@200 0.36.",
            {"recall@200": 0.36},
        ),
        (
            "candidate_two_tower@3.recall",
            ["recs.candidate_two_tower@3"],
            ["recs.eval_holdout@2024.09"],
            "2024-09-03",
            "recall@200 0.38; long-tail recall +9% thanks to genre vector.",
            {"recall@200": 0.38, "recall@200_tail": 0.21},
        ),
        (
            "continue_watching@2.offline",
            ["recs.continue_watching@2"],
            ["recs.eval_holdout@2024.06"],
            "2024-06-30",
            "Re-run on 2024.06 holdout: resume_rate@3 0.47, unchanged. Still on legacy data.",
            {"resume_rate@3": 0.47},
        ),
        (
            "because_you_watched@2.offline",
            ["recs.because_you_watched@2"],
            ["recs.eval_holdout@2024.06"],
            "2024-07-30",
            "hit_rate@10 0.27 vs 0.22.",
            {"hit_rate@10": 0.27},
        ),
        (
            "row_selector@2.offline",
            ["recs.row_selector@2"],
            ["recs.eval_holdout@2024.03"],
            "2024-04-16",
            "IPS-weighted replay on the exploration slice only.",
            {"ips_play_rate": 0.118},
        ),
        (
            "artwork_personalizer@2.offline",
            ["recs.artwork_personalizer@2"],
            ["recs.eval_holdout@2024.03"],
            "2024-05-08",
            "Offline take-rate lift 3.1% (IPS).",
            {"take_rate_lift": 0.031},
        ),
        (
            "new_user_coldstart@2.offline",
            ["recs.new_user_coldstart@2"],
            ["recs.eval_holdout@2024.06"],
            "2024-06-11",
            "d7 play rate proxy +2pts.",
            {"d7_play_rate": 0.63},
        ),
        (
            "title_embeddings@2.genre_knn",
            ["recs.title_embeddings@2"],
            ["content.genre_gold_labels"],
            "2024-07-16",
            "Intrinsic check: genre precision@10 of nearest neighbours, on the gold genre labels.",
            {"genre_knn_precision@10": 0.71},
        ),
    ]
    for name, ms, on, created, desc, metrics in ev:
        evaluation(
            f,
            name,
            desc,
            evaluates=M(*ms),
            on=D(*on),
            wf=wf_eval,
            created=created,
            props={"metrics": metrics, "harness": "recs-eval 2.x"},
        )


# -- search.yaml -----------------------------------------------------------------------


def build_search() -> None:
    f = "search.yaml"
    DEFAULT_OWNERS[f] = own("team-search-relevance")
    lead = own("team-search-relevance", "lena.vogt:tech-lead", "team-ml-serving-sre:oncall")

    wf_data = workflow(
        f,
        "airflow.search_training_data",
        """
        Builds query-title pairs with click/play labels, LTR training sets, spelling and
        autocomplete logs. Reformulations = same session, < 30s apart, edit distance <= 3.""",
        reads=D("staging.search_events", "core.title_catalog"),
        props={"dag_id": "search_training_data", "schedule": "0 7 * * *"},
    )
    table(
        f,
        "search.query_title_pairs",
        """
        Query x title with impressions, clicks, plays within 10 min. Queries seen < 20 times
        in 28d are bucketed as 'tail' and their text is dropped (privacy).""",
        derived=D("staging.search_events", "core.title_catalog"),
        wf=wf_data,
        rows=210_000_000,
        tags=("pii",),
    )
    for v, rows, created in [("2024q1", 88_000_000, "2024-04-03"), ("2024q2", 96_000_000, "2024-07-02")]:
        table(
            f,
            f"search.ltr_training@{v}",
            f"""
              LTR training set for {v}: graded labels (0 skip, 1 click, 2 play, 3 play > 20 min).
              {"Adds semantic-encoder similarity as a column." if v == "2024q2" else ""}""",
            derived=D("search.query_title_pairs"),
            wf=wf_data,
            part="split",
            rows=rows,
            created=created,
        )
    table(
        f,
        "search.spelling_pairs",
        "Misspelling -> correction pairs mined from "
        "reformulations. ~15% noise; the spell model is trained with label smoothing.",
        derived=D("staging.search_events"),
        wf=wf_data,
        part=None,
        rows=4_200_000,
    )
    table(
        f,
        "search.autocomplete_prefix_logs",
        """
        Typed prefix -> eventually submitted query. Prefixes < 2 chars dropped. Only queries
        that returned results.""",
        derived=D("staging.search_events"),
        wf=wf_data,
        rows=610_000_000,
    )

    wf_judge = workflow(
        f,
        "labelbox.search_judgments_sync",
        """
        Syncs vendor relevance judgments (5-point scale, 3 raters per pair) and query-intent
        labels from Labelbox.""",
        reads=D("search.query_title_pairs", "staging.search_events"),
        props={"labelbox_project": "search-relevance-2024", "schedule": "0 6 * * 1"},
    )
    table(
        f,
        "search.judged_queries@2024q2",
        """
        2,400 head + torso queries with graded judgments for top-20 results. THE offline
        benchmark for search ranking; don't train on it.""",
        derived=D("search.query_title_pairs"),
        wf=wf_judge,
        part=None,
        rows=48_000,
        tags=("golden",),
        owners_=own("team-search-relevance", "lena.vogt:steward"),
        created="2024-06-20",
        extra={"raters_per_pair": 3, "krippendorff_alpha": 0.64},
    )
    table(
        f,
        "search.qu_labeled_queries",
        """
        Queries labelled with intent (title, person, genre, mood, navigational) and entity
        spans. 31k queries, 11 languages, en/es/pt are 80% of it.""",
        derived=D("staging.search_events"),
        wf=wf_judge,
        part=None,
        rows=31_000,
    )

    wf_index = workflow(
        f,
        "airflow.search_index_build",
        """
        Builds the title documents for the search index (Elasticsearch) from the catalogue,
        ML genres and subtitle keywords. Full rebuild nightly, partial every 15 min.""",
        reads=D("core.title_catalog", "content.title_genre_predictions", "content.subtitle_text"),
        props={"dag_id": "search_index_build", "schedule": "*/15 * * * *"},
    )
    table(
        f,
        "search.title_index_docs",
        """
        One JSON document per title per locale as indexed. Localised titles from the CMS;
        missing translations fall back to the original title.""",
        derived=D("core.title_catalog", "content.title_genre_predictions", "content.subtitle_text"),
        wf=wf_index,
        fmt="json",
        part="locale",
        rows=2_900_000,
    )

    wf_feat = workflow(
        f,
        "feast.search_features",
        "Feast materialization for search features.",
        auto=True,
        props={"feast_project": "streamly-search", "schedule": "0 9 * * *"},
    )
    Q, T = "query_norm", "title_id"
    feature(
        f,
        "search.query_frequency_7d",
        "Searches per normalised query, 7d, log-scaled.",
        src=D("staging.search_events"),
        wf=wf_feat,
        entity=Q,
        window="7d",
    )
    feature(
        f,
        "search.query_ctr_28d",
        "Share of searches with >= 1 click, per query.",
        src=D("staging.search_events"),
        wf=wf_feat,
        entity=Q,
        window="28d",
    )
    feature(
        f,
        "search.query_null_rate",
        "Share of searches for the query with zero results.",
        src=D("staging.search_events"),
        wf=wf_feat,
        entity=Q,
        window="28d",
    )
    feature(
        f,
        "search.query_title_ctr_28d",
        """
            Smoothed click rate for (query, title). Position-debiased with the 2023 click
            model; tail queries get the prior.""",
        src=D("search.query_title_pairs"),
        wf=wf_feat,
        entity=f"{Q},{T}",
        window="28d",
        tags=("tier-1",),
    )
    feature(
        f,
        "search.title_search_popularity_7d",
        "Search clicks per title, 7d.",
        src=D("staging.search_events"),
        wf=wf_feat,
        entity=T,
        window="7d",
    )
    feature(
        f,
        "search.title_text_match",
        "BM25 of query vs title doc fields, computed in the "
        "search engine at request time, logged for training.",
        src=D("search.title_index_docs"),
        wf=wf_feat,
        entity=f"{Q},{T}",
        store="on-demand",
        freshness="request-time",
    )
    feature(
        f,
        "search.user_search_history_30d",
        "Last 50 queries of the profile. PII - dropped from logs after 30d.",
        src=D("staging.search_events"),
        wf=wf_feat,
        entity="profile_id",
        dtype="array<string>",
        window="30d",
        tags=("pii", "gdpr"),
    )
    feature(
        f,
        "search.query_language",
        "Detected language of the query (fastText lid).",
        src=D("staging.search_events"),
        wf=wf_feat,
        entity=Q,
        dtype="string",
    )
    feature(
        f,
        "search.title_popularity_blend",
        """
            0.7 * recs title_popularity_7d + 0.3 * search popularity. Reused from recs so
            both surfaces agree on what's popular.""",
        derived=F("recs.title_popularity_7d", "search.title_search_popularity_7d"),
        wf=wf_feat,
        entity=T,
        window="7d",
    )
    feature(
        f,
        "search.title_genre_match",
        "Overlap of query intent genres and the title's ML genres.",
        derived=F("recs.title_genre_vector"),
        wf=wf_feat,
        entity=f"{Q},{T}",
        store="on-demand",
        freshness="request-time",
    )

    wf_train = workflow(
        f,
        "kubeflow.search_training",
        """
        Training pipelines for all search models. LTR runs weekly; the encoders are trained
        on demand.""",
        reads=D(
            "search.ltr_training@2024q1",
            "search.ltr_training@2024q2",
            "search.spelling_pairs",
            "search.autocomplete_prefix_logs",
            "search.qu_labeled_queries",
            "search.query_title_pairs",
        )
        + M("ml-platform.text_encoder_base@1"),
        owners_=lead,
        props={"pipeline": "search-train", "gpu": "4x A100"},
    )
    ltr_feats = F(
        "search.query_title_ctr_28d",
        "search.title_text_match",
        "search.title_popularity_blend",
        "search.query_frequency_7d",
        "search.query_language",
        "recs.title_regional_availability",
        "recs.title_maturity_rating",
    )
    model(
        f,
        "search.ltr_ranker",
        1,
        "LambdaMART on click labels only. Retired.",
        trained_on=D("search.query_title_pairs"),
        features=ltr_feats[:4],
        wf=wf_train,
        created="2023-06-01",
        tags=("retired",),
        props={"framework": "lightgbm-3.3", "metrics": {"ndcg@10_judged": 0.58}},
    )
    model(
        f,
        "search.ltr_ranker",
        2,
        """
        LambdaMART on graded labels (click/play/long play), + availability and maturity
        features.""",
        trained_on=D("search.ltr_training@2024q1"),
        features=ltr_feats,
        wf=wf_train,
        created="2024-04-10",
        props={"framework": "lightgbm-4.1", "metrics": {"ndcg@10_judged": 0.63}},
    )
    model(
        f,
        "search.ltr_ranker",
        3,
        """
        @2 continued on 2024q2 with genre match and personal history. Personalisation is
        capped at 20% of the score - head queries must stay stable.""",
        trained_on=D("search.ltr_training@2024q2"),
        features=ltr_feats
        + F("search.title_genre_match", "search.user_search_history_30d", "recs.genre_affinity_90d"),
        based_on=M("search.ltr_ranker@2"),
        wf=wf_train,
        created="2024-07-15",
        tags=("tier-1",),
        owners_=lead,
        props={
            "framework": "lightgbm-4.1",
            "num_trees": 900,
            "metrics": {"ndcg@10_judged": 0.66, "mrr": 0.54},
            "stage": "production",
        },
    )
    model(
        f,
        "search.query_understanding",
        1,
        "Intent classifier, fastText. English only.",
        trained_on=D("search.qu_labeled_queries"),
        features=F("search.query_language"),
        wf=wf_train,
        created="2022-12-05",
        tags=("retired",),
        props={"framework": "fasttext", "metrics": {"intent_f1": 0.81}},
    )
    model(
        f,
        "search.query_understanding",
        2,
        "Multilingual intent + entity tagger (BiLSTM-CRF).",
        trained_on=D("search.qu_labeled_queries"),
        features=F("search.query_language"),
        based_on=M("search.query_understanding@1"),
        wf=wf_train,
        created="2023-09-19",
        props={"framework": "pytorch-2.0", "metrics": {"intent_f1": 0.86, "entity_f1": 0.79}},
    )
    model(
        f,
        "search.query_understanding",
        3,
        """
        Fine-tuned from ml-platform text_encoder_base@1. Handles mood queries ('something
        funny to fall asleep to'). Latency p99 18 ms on CPU after int8 quantisation.""",
        trained_on=D("search.qu_labeled_queries"),
        features=F("search.query_language", "search.query_frequency_7d"),
        based_on=M("ml-platform.text_encoder_base@1"),
        wf=wf_train,
        created="2024-05-22",
        tags=("tier-1",),
        owners_=lead,
        props={
            "framework": "pytorch-2.2",
            "quantization": "int8",
            "metrics": {"intent_f1": 0.91, "entity_f1": 0.84},
        },
    )
    model(
        f,
        "search.spell_corrector",
        1,
        "Noisy-channel speller, per-language dictionaries.",
        trained_on=D("search.spelling_pairs"),
        wf=wf_train,
        created="2022-09-01",
        props={"framework": "symspell", "metrics": {"correction_acc": 0.74}},
    )
    model(
        f,
        "search.spell_corrector",
        2,
        """
        Char-level seq2seq. Better on titles with unusual spellings, worse on person names -
        the A/B was stopped (exp-2024-040). @1 is still the one serving.""",
        trained_on=D("search.spelling_pairs"),
        features=F("search.query_null_rate"),
        based_on=M("search.spell_corrector@1"),
        wf=wf_train,
        created="2024-03-14",
        tags=("experimental",),
        props={"framework": "pytorch-2.1", "metrics": {"correction_acc": 0.79}},
    )
    model(
        f,
        "search.autocomplete",
        1,
        "Prefix trie over popular queries, per locale.",
        trained_on=D("search.autocomplete_prefix_logs"),
        features=F("search.query_frequency_7d"),
        wf=wf_train,
        created="2022-06-20",
        tags=("retired",),
        props={"framework": "custom-trie"},
    )
    model(
        f,
        "search.autocomplete",
        2,
        """
        Trie candidates re-ranked by a small GBM with personal history. Suggestions are
        filtered by the maturity setting of the profile.""",
        trained_on=D("search.autocomplete_prefix_logs"),
        features=F(
            "search.query_frequency_7d",
            "search.user_search_history_30d",
            "search.query_null_rate",
            "recs.profile_maturity_level",
        ),
        based_on=M("search.autocomplete@1"),
        wf=wf_train,
        created="2024-02-27",
        tags=("tier-1",),
        props={"framework": "lightgbm-4.1", "metrics": {"mrr@8": 0.47}, "serving": {"p99_ms": 12}},
    )
    model(
        f,
        "search.semantic_encoder",
        1,
        """
        Bi-encoder for query -> title retrieval; initialised from text_encoder_base@1.
        Used as a candidate source next to BM25.""",
        trained_on=D("search.query_title_pairs", "search.title_index_docs"),
        based_on=M("ml-platform.text_encoder_base@1"),
        wf=wf_train,
        created="2024-02-05",
        props={"framework": "pytorch-2.1", "dim": 384, "metrics": {"recall@100": 0.72}},
    )
    model(
        f,
        "search.semantic_encoder",
        2,
        """
        @1 trained further with hard negatives from BM25. Serves mood/descriptive queries;
        exact-title queries still go to BM25.""",
        trained_on=D("search.query_title_pairs", "search.title_index_docs"),
        based_on=M("search.semantic_encoder@1"),
        wf=wf_train,
        created="2024-06-28",
        tags=("tier-2",),
        props={"framework": "pytorch-2.2", "dim": 384, "metrics": {"recall@100": 0.78}},
    )

    wf_eval = workflow(
        f,
        "airflow.search_offline_eval",
        """
        Offline eval on judged queries + click logs. Fails the DAG if ndcg@10_judged drops
        more than 1pt vs production.""",
        reads=D(
            "search.judged_queries@2024q2",
            "search.ltr_training@2024q2",
            "search.spelling_pairs",
            "search.autocomplete_prefix_logs",
            "search.qu_labeled_queries",
        )
        + M(
            "search.ltr_ranker@2",
            "search.ltr_ranker@3",
            "search.query_understanding@3",
            "search.spell_corrector@2",
            "search.autocomplete@2",
            "search.semantic_encoder@2",
        ),
        props={"dag_id": "search_offline_eval", "trigger": "on model register"},
    )
    for name, ms, on, created, desc, metrics in [
        (
            "ltr_ranker@2.offline",
            ["search.ltr_ranker@2"],
            ["search.ltr_training@2024q1"],
            "2024-04-11",
            "Click-log replay on the 2024q1 test split.",
            {"ndcg@10": 0.61},
        ),
        (
            "ltr_ranker@3.offline",
            ["search.ltr_ranker@3"],
            ["search.ltr_training@2024q2"],
            "2024-07-16",
            "Click-log replay on 2024q2 test split; +3.1% vs @2.",
            {"ndcg@10": 0.629},
        ),
        (
            "ltr_ranker@3.judged",
            ["search.ltr_ranker@3", "search.ltr_ranker@2"],
            ["search.judged_queries@2024q2"],
            "2024-07-16",
            "Judged benchmark, @3 vs @2: 0.66 vs 0.63 ndcg@10. Person queries flat.",
            {"ndcg@10_judged": 0.66, "baseline": 0.63},
        ),
        (
            "query_understanding@3.offline",
            ["search.query_understanding@3"],
            ["search.qu_labeled_queries"],
            "2024-05-23",
            "Intent F1 0.91; Japanese still weakest (0.82).",
            {"intent_f1": 0.91},
        ),
        (
            "spell_corrector@2.offline",
            ["search.spell_corrector@2"],
            ["search.spelling_pairs"],
            "2024-03-15",
            "Looks good offline (+5pts acc). Online it wasn't - see exp-2024-040.",
            {"correction_acc": 0.79},
        ),
        (
            "autocomplete@2.offline",
            ["search.autocomplete@2"],
            ["search.autocomplete_prefix_logs"],
            "2024-02-28",
            "MRR@8 0.47 vs 0.41.",
            {"mrr@8": 0.47},
        ),
        (
            "semantic_encoder@2.offline",
            ["search.semantic_encoder@2"],
            ["search.judged_queries@2024q2"],
            "2024-06-29",
            "Recall@100 on descriptive queries only (412 of the judged set).",
            {"recall@100": 0.78},
        ),
    ]:
        evaluation(
            f,
            name,
            desc,
            evaluates=M(*ms),
            on=D(*on),
            wf=wf_eval,
            created=created,
            props={"metrics": metrics},
        )


# -- ads.yaml --------------------------------------------------------------------------


def build_ads() -> None:
    f = "ads.yaml"
    DEFAULT_OWNERS[f] = own("team-ads-ml")
    lead = own("team-ads-ml", "tomasz.wisniewski:tech-lead", "team-ml-serving-sre:oncall")

    wf_data = workflow(
        f,
        "airflow.ads_training_data",
        """
        Auction logs, attributed conversions and weekly CTR/CVR training sets. Attribution:
        last view within 7d, click within 30d.""",
        reads=D("staging.ad_events", "raw.ad_requests", "raw.ad_conversions", "core.dim_account"),
        props={"dag_id": "ads_training_data", "schedule": "0 8 * * *"},
    )
    table(
        f,
        "ads.auction_logs",
        """
        Every auction: candidates, bids, predicted CTR, clearing price. Predicted CTR column
        is from whatever model served at the time - watch out when training on it.""",
        derived=D("staging.ad_events", "raw.ad_requests"),
        wf=wf_data,
        part="dt/hr",
        rows=640_000_000,
        tags=("tier-1",),
    )
    table(
        f,
        "ads.attributed_conversions",
        """
        Conversions matched to impressions/clicks. Match rate ~38% (hashed email only).
        Final after 7 days; don't use the last week for CVR labels.""",
        derived=D("raw.ad_conversions", "staging.ad_events", "core.dim_account"),
        wf=wf_data,
        rows=150_000,
        tags=("pii", "gdpr"),
    )
    for v, created in [("2023w43", "2023-10-30"), ("2024w20", "2024-05-20"), ("2024w30", "2024-07-29")]:
        table(
            f,
            f"ads.ctr_training@{v}",
            f"""
              CTR training set, 8 weeks ending {v}. Clicks + QR scans as positives. Negatives
              downsampled 1:50, weight column corrects for it.""",
            derived=D("staging.ad_events", "ads.auction_logs"),
            wf=wf_data,
            part="split",
            rows=310_000_000,
            created=created,
        )
    table(
        f,
        "ads.eval_holdout_2024w30",
        """
        Week 31 of 2024, not downsampled. Includes the Olympics spike - some advertisers
        behave oddly.""",
        derived=D("staging.ad_events"),
        wf=wf_data,
        rows=95_000_000,
        tags=("golden",),
        created="2024-08-05",
    )
    table(
        f,
        "ads.cvr_training",
        "Post-click/post-view conversion training set, rolling 90d.",
        derived=D("ads.attributed_conversions", "staging.ad_events"),
        wf=wf_data,
        rows=41_000_000,
    )
    table(
        f,
        "ads.audience_seed_lists",
        """
        Advertiser-uploaded seed audiences (hashed emails) matched to accounts. Deleted 30d
        after campaign end per DPA.""",
        derived=D("raw.ad_conversions", "core.dim_account"),
        wf=wf_data,
        part="campaign_id",
        rows=2_100_000,
        tags=("pii", "gdpr"),
        owners_=own("team-ads-ml", "team-privacy-eng:privacy-reviewer"),
    )
    table(
        f,
        "ads.bid_landscape_snapshots",
        "Hourly win-rate vs bid curves per placement.",
        derived=D("ads.auction_logs"),
        wf=wf_data,
        part="dt/hr",
        rows=3_400_000,
    )

    wf_feat = workflow(
        f,
        "feast.ads_features",
        "Feast materialization for ads features. "
        "Frequency features are also updated in-stream by ads-decision-svc.",
        auto=True,
        props={"feast_project": "streamly-ads", "schedule": "0 * * * *"},
    )
    A = "account_id"
    feature(
        f,
        "ads.user_ad_ctr_30d",
        "Account-level ad CTR, 30d, smoothed to the placement prior.",
        src=D("staging.ad_events"),
        wf=wf_feat,
        entity=A,
        window="30d",
    )
    feature(
        f,
        "ads.advertiser_ctr_7d",
        "Advertiser CTR, 7d.",
        src=D("staging.ad_events"),
        wf=wf_feat,
        entity="advertiser_id",
        window="7d",
    )
    feature(
        f,
        "ads.creative_ctr_7d",
        "Creative CTR, 7d; new creatives inherit the advertiser's.",
        src=D("staging.ad_events"),
        wf=wf_feat,
        entity="creative_id",
        window="7d",
    )
    feature(
        f,
        "ads.user_ad_frequency_24h",
        "Ads seen by the account in the last 24h.",
        src=D("staging.ad_events"),
        wf=wf_feat,
        entity=A,
        dtype="int",
        window="24h",
        freshness="5m",
        tags=("realtime", "tier-1"),
    )
    feature(
        f,
        "ads.user_ad_frequency_7d",
        "Ads seen by the account in the last 7d, per advertiser.",
        src=D("staging.ad_events"),
        wf=wf_feat,
        entity=A,
        dtype="map<string,int>",
        window="7d",
        freshness="1h",
    )
    feature(
        f,
        "ads.placement_ctr_28d",
        "CTR per placement (pre-roll, mid-roll, pause).",
        src=D("staging.ad_events"),
        wf=wf_feat,
        entity="placement_id",
        window="28d",
    )
    feature(
        f,
        "ads.user_conversion_rate_90d",
        "Attributed conversions per impression, 90d. Very sparse.",
        src=D("ads.attributed_conversions"),
        wf=wf_feat,
        entity=A,
        window="90d",
        tags=("pii",),
    )
    feature(
        f,
        "ads.advertiser_cvr_28d",
        "Advertiser conversion rate, 28d.",
        src=D("ads.attributed_conversions"),
        wf=wf_feat,
        entity="advertiser_id",
        window="28d",
    )
    feature(
        f,
        "ads.user_viewing_genres",
        """
            Account-level genre affinity: max over the account's profiles of
            recs.genre_affinity_90d. Kids profiles excluded (COPPA).""",
        derived=F("recs.genre_affinity_90d"),
        wf=wf_feat,
        entity=A,
        dtype="array<float>[48]",
        window="90d",
    )
    feature(
        f,
        "ads.user_geo_dma",
        "DMA / metro area from billing address. US only.",
        src=D("core.dim_account"),
        wf=wf_feat,
        entity=A,
        dtype="string",
        tags=("pii",),
    )
    feature(
        f,
        "ads.content_context_genre",
        "Genre of the title being watched when the ad plays (ML genres).",
        derived=F("recs.title_genre_vector"),
        wf=wf_feat,
        entity="title_id",
        dtype="array<float>[62]",
    )
    feature(
        f,
        "ads.bid_landscape_1h",
        "Win-rate curve for the placement, last hour.",
        src=D("ads.bid_landscape_snapshots"),
        wf=wf_feat,
        entity="placement_id",
        dtype="array<float>[20]",
        freshness="1h",
        window="1h",
    )
    feature(
        f,
        "ads.lookalike_seed_embedding",
        "Mean user embedding of a seed audience.",
        src=D("ads.audience_seed_lists"),
        derived=F("recs.user_embedding"),
        wf=wf_feat,
        entity="audience_id",
        dtype="array<float>[128]",
    )

    wf_train = workflow(
        f,
        "kubeflow.ads_training",
        """
        Weekly CTR/CVR retrains, monthly bid shading. Calibration (isotonic) is a separate
        step and is versioned with the model.""",
        reads=D(
            "ads.ctr_training@2023w43",
            "ads.ctr_training@2024w20",
            "ads.ctr_training@2024w30",
            "ads.cvr_training",
            "ads.auction_logs",
            "ads.bid_landscape_snapshots",
            "ads.audience_seed_lists",
        ),
        owners_=lead,
        props={"pipeline": "ads-train", "gpu": "2x A100", "schedule": "weekly"},
    )
    ctr_feats = F(
        "ads.user_ad_ctr_30d",
        "ads.advertiser_ctr_7d",
        "ads.creative_ctr_7d",
        "ads.user_ad_frequency_24h",
        "ads.placement_ctr_28d",
        "ads.user_geo_dma",
    )
    model(
        f,
        "ads.ctr_predictor",
        1,
        "Logistic regression with hashed crosses. Launch model for the ad tier.",
        trained_on=D("ads.ctr_training@2023w43"),
        features=ctr_feats[:5],
        wf=wf_train,
        created="2023-11-02",
        tags=("retired",),
        props={"framework": "vowpal-wabbit", "metrics": {"auc": 0.71, "logloss": 0.092}},
    )
    model(
        f,
        "ads.ctr_predictor",
        2,
        "DeepFM. Warm-started embeddings from @1's hashed crosses (yes, really).",
        trained_on=D("ads.ctr_training@2024w20"),
        features=ctr_feats + F("ads.user_viewing_genres"),
        based_on=M("ads.ctr_predictor@1"),
        wf=wf_train,
        created="2024-05-24",
        props={"framework": "tensorflow-2.15", "metrics": {"auc": 0.744, "logloss": 0.087}},
    )
    model(
        f,
        "ads.ctr_predictor",
        3,
        """
        DeepFM + content context. Recalibrated weekly; the calibration drift alert fires
        when ECE > 0.02.""",
        trained_on=D("ads.ctr_training@2024w30"),
        features=ctr_feats
        + F("ads.user_viewing_genres", "ads.content_context_genre", "ads.user_ad_frequency_7d"),
        based_on=M("ads.ctr_predictor@2"),
        wf=wf_train,
        created="2024-08-02",
        tags=("tier-1",),
        owners_=lead,
        props={
            "framework": "tensorflow-2.15",
            "calibration": "isotonic",
            "metrics": {"auc": 0.756, "logloss": 0.085, "ece": 0.011},
            "stage": "production",
        },
    )
    model(
        f,
        "ads.conversion_predictor",
        1,
        "GBM post-click CVR.",
        trained_on=D("ads.cvr_training"),
        features=F("ads.user_conversion_rate_90d", "ads.advertiser_cvr_28d"),
        wf=wf_train,
        created="2024-01-30",
        tags=("retired",),
        props={"framework": "lightgbm-4.0", "metrics": {"auc": 0.68}},
    )
    model(
        f,
        "ads.conversion_predictor",
        2,
        """
        Post-click + post-view CVR with delayed-feedback correction. Advertiser postbacks are
        noisy; a handful of advertisers are excluded from training (list in the repo).""",
        trained_on=D("ads.cvr_training"),
        features=F(
            "ads.user_conversion_rate_90d",
            "ads.advertiser_cvr_28d",
            "ads.user_viewing_genres",
            "ads.user_geo_dma",
        ),
        based_on=M("ads.conversion_predictor@1"),
        wf=wf_train,
        created="2024-06-18",
        tags=("tier-2",),
        props={"framework": "lightgbm-4.1", "metrics": {"auc": 0.71}},
    )
    model(
        f,
        "ads.bid_shading",
        1,
        "Per-placement linear shading factor.",
        trained_on=D("ads.auction_logs"),
        features=F("ads.placement_ctr_28d"),
        wf=wf_train,
        created="2023-12-11",
        tags=("retired",),
        props={"framework": "sklearn-1.3"},
    )
    model(
        f,
        "ads.bid_shading",
        2,
        "Win-rate curve model; shades bids in first-price "
        "auctions. Saved ~6% spend at equal delivery in exp-2024-036.",
        trained_on=D("ads.auction_logs", "ads.bid_landscape_snapshots"),
        features=F("ads.bid_landscape_1h", "ads.placement_ctr_28d"),
        based_on=M("ads.bid_shading@1"),
        wf=wf_train,
        created="2024-06-03",
        tags=("tier-1",),
        props={"framework": "pytorch-2.2", "metrics": {"surplus_gain": 0.061}},
    )
    model(
        f,
        "ads.audience_lookalike",
        1,
        "kNN over user embeddings from the seed centroid.",
        trained_on=D("ads.audience_seed_lists"),
        features=F("ads.lookalike_seed_embedding", "recs.user_embedding"),
        wf=wf_train,
        created="2024-02-19",
        props={"framework": "faiss"},
    )
    model(
        f,
        "ads.audience_lookalike",
        2,
        "Seed-vs-population classifier per audience on top of @1 candidates. Min seed size 1,000.",
        trained_on=D("ads.audience_seed_lists"),
        features=F(
            "ads.lookalike_seed_embedding",
            "recs.user_embedding",
            "ads.user_viewing_genres",
            "ads.user_geo_dma",
        ),
        based_on=M("ads.audience_lookalike@1"),
        wf=wf_train,
        created="2024-07-08",
        tags=("tier-2",),
        props={"framework": "lightgbm-4.1", "metrics": {"precision@1pct": 0.12}},
    )
    model(
        f,
        "ads.frequency_cap",
        1,
        """
        Learns per-account soft caps (diminishing returns curve). Hard caps from contracts
        are enforced separately in ads-decision-svc.""",
        trained_on=D("staging.ad_events"),
        features=F("ads.user_ad_frequency_24h", "ads.user_ad_frequency_7d", "recs.watch_time_7d"),
        wf=wf_train,
        created="2024-04-02",
        tags=("tier-1",),
        props={"framework": "lightgbm-4.1"},
    )

    wf_eval = workflow(
        f,
        "airflow.ads_offline_eval",
        "Offline eval + calibration report for ads models.",
        reads=D("ads.eval_holdout_2024w30", "ads.cvr_training", "ads.auction_logs", "ads.audience_seed_lists")
        + M(
            "ads.ctr_predictor@3",
            "ads.conversion_predictor@2",
            "ads.bid_shading@2",
            "ads.audience_lookalike@2",
        ),
        props={"dag_id": "ads_offline_eval"},
    )
    for name, ms, on, created, desc, metrics in [
        (
            "ctr_predictor@3.offline",
            ["ads.ctr_predictor@3"],
            ["ads.eval_holdout_2024w30"],
            "2024-08-06",
            "AUC 0.756 (+0.012 vs @2).",
            {"auc": 0.756},
        ),
        (
            "ctr_predictor@3.calibration",
            ["ads.ctr_predictor@3", "ads.ctr_predictor@2"],
            ["ads.eval_holdout_2024w30"],
            "2024-08-06",
            "Reliability diagrams per placement. Pause ads over-predicted 1.4x before isotonic.",
            {"ece": 0.011, "ece_uncalibrated": 0.034},
        ),
        (
            "conversion_predictor@2.offline",
            ["ads.conversion_predictor@2"],
            ["ads.cvr_training"],
            "2024-06-19",
            "Time-split eval; last 7 days excluded (immature labels).",
            {"auc": 0.71},
        ),
        (
            "bid_shading@2.replay",
            ["ads.bid_shading@2"],
            ["ads.auction_logs"],
            "2024-06-04",
            "Counterfactual replay on 2 weeks of auctions.",
            {"surplus_gain": 0.061},
        ),
        (
            "audience_lookalike@2.offline",
            ["ads.audience_lookalike@2"],
            ["ads.audience_seed_lists"],
            "2024-07-09",
            "Hold out 20% of each seed; precision in top 1% of the population.",
            {"precision@1pct": 0.12},
        ),
    ]:
        evaluation(
            f,
            name,
            desc,
            evaluates=M(*ms),
            on=D(*on),
            wf=wf_eval,
            created=created,
            props={"metrics": metrics},
        )


# -- fraud.yaml ------------------------------------------------------------------------


def build_fraud() -> None:
    f = "fraud.yaml"
    DEFAULT_OWNERS[f] = own("team-fraud-risk")
    lead = own("team-fraud-risk", "aisha.rahman:tech-lead", "team-ml-serving-sre:oncall")

    wf_labels = workflow(
        f,
        "airflow.fraud_label_backfill",
        """
        Builds fraud labels: chargebacks (matured 90d), confirmed ATO from support, sharing
        labels from the household heuristic. Re-labels the last 120 days every night.""",
        reads=D(
            "staging.payments_normalized",
            "raw.chargebacks",
            "staging.login_events_enriched",
            "staging.support_tickets_clean",
            "core.playback_sessions",
        ),
        owners_=own("team-fraud-risk", "aisha.rahman:oncall"),
        props={"dag_id": "fraud_label_backfill", "schedule": "0 4 * * *"},
    )
    table(
        f,
        "fraud.chargeback_labels",
        """
        Payment -> fraud chargeback (reason codes 10.x / 4837 etc). Friendly fraud is labelled
        separately (is_friendly). Labels for payments < 90 days old are incomplete.""",
        derived=D("staging.payments_normalized", "raw.chargebacks"),
        wf=wf_labels,
        rows=1_900_000,
        tags=("pii", "pci"),
    )
    for v, created in [("2023q1", "2023-03-03"), ("2024q1", "2024-04-05"), ("2024q2", "2024-07-04")]:
        table(
            f,
            f"fraud.payment_training@{v}",
            f"""
              Payment attempts with matured chargeback labels, 12 months ending {v}.
              Fraud rate ~0.4%; no downsampling, class weights in the trainer.""",
            derived=D("staging.payments_normalized", "fraud.chargeback_labels"),
            wf=wf_labels,
            part="split",
            rows=17_000_000,
            tags=("pci",),
            created=created,
        )
    table(
        f,
        "fraud.labeled_backtest_2024q2",
        """
        Payments from 2024-04 with labels matured to 2024-07-31. Only for backtests; the
        decision threshold is tuned on it, so don't report it as an unbiased number.""",
        derived=D("staging.payments_normalized", "fraud.chargeback_labels"),
        wf=wf_labels,
        rows=1_500_000,
        tags=("golden", "pci"),
        created="2024-08-02",
    )
    table(
        f,
        "fraud.ato_labels",
        """
        Confirmed account takeovers (support-confirmed + forced password resets). ~40% of
        real ATOs never get reported, so treat negatives as unlabeled.""",
        derived=D("staging.login_events_enriched", "staging.support_tickets_clean"),
        wf=wf_labels,
        rows=62_000,
        tags=("pii",),
    )
    table(
        f,
        "fraud.sharing_labels",
        """
        Weak labels for credential sharing outside the household: distinct households
        streaming concurrently >= 3 times in 30d. Heuristic, not ground truth.""",
        derived=D("core.playback_sessions", "staging.login_events_enriched"),
        wf=wf_labels,
        rows=880_000,
        tags=("pii", "gdpr"),
        owners_=own("team-fraud-risk", "rachel.cohen:privacy-reviewer"),
    )

    wf_graph = workflow(
        f,
        "airflow.device_graph_build",
        """
        Account-device-card-IP graph: edges between nodes seen together within 30d.""",
        reads=D("staging.login_events_enriched", "staging.payments_normalized"),
        props={"dag_id": "device_graph_build", "schedule": "0 3 * * *", "engine": "spark-3.5"},
    )
    table(
        f,
        "fraud.device_graph_edges",
        "Edges of the identity graph: account-device, account-card, device-ip. Rolling 30d.",
        derived=D("staging.login_events_enriched", "staging.payments_normalized"),
        wf=wf_graph,
        rows=310_000_000,
        tags=("pii",),
    )
    wf_graph_train = workflow(
        f,
        "metaflow.device_graph_embedding_train",
        "Trains node2vec on the identity graph, monthly.",
        reads=D("fraud.device_graph_edges"),
        props={"flow": "DeviceGraphFlow", "schedule": "monthly"},
    )
    model(
        f,
        "fraud.device_graph_embeddings",
        1,
        """
        node2vec (64-d) over the identity graph. Nodes with < 2 edges get the zero vector.""",
        trained_on=D("fraud.device_graph_edges"),
        wf=wf_graph_train,
        created="2024-03-04",
        tags=("tier-2",),
        props={"framework": "pytorch-geometric", "dim": 64},
    )
    wf_vec = workflow(
        f,
        "airflow.device_graph_embedding_export",
        "Nightly inference of device_graph_embeddings@1 for all graph nodes.",
        reads=M("fraud.device_graph_embeddings@1") + D("fraud.device_graph_edges"),
        props={"schedule": "30 4 * * *"},
    )
    table(
        f,
        "fraud.device_graph_vectors",
        "64-d vectors per account/device node.",
        derived=D("fraud.device_graph_edges"),
        wf=wf_vec,
        part=None,
        rows=95_000_000,
    )

    wf_rt = workflow(
        f,
        "flink.fraud_realtime_features",
        """
        Streaming features for payment and login risk (Flink, 1-minute event-time
        windows). Backfilled from the lake via the same SQL in batch mode.""",
        auto=True,
        owners_=own("team-fraud-risk", "aisha.rahman:oncall"),
        tags=("tier-1", "realtime"),
        props={"job": "fraud-features", "parallelism": 48, "checkpoint_s": 60},
    )
    A = "account_id"
    feature(
        f,
        "fraud.payment_velocity_1h",
        "Payment attempts per account, last hour.",
        src=D("staging.payments_normalized"),
        wf=wf_rt,
        entity=A,
        dtype="int",
        window="1h",
        freshness="1m",
        tags=("realtime", "tier-1"),
    )
    feature(
        f,
        "fraud.payment_velocity_24h",
        "Payment attempts per account, 24h.",
        src=D("staging.payments_normalized"),
        wf=wf_rt,
        entity=A,
        dtype="int",
        window="24h",
        freshness="1m",
        tags=("realtime",),
    )
    feature(
        f,
        "fraud.distinct_cards_30d",
        "Distinct card tokens tried on the account, 30d.",
        src=D("staging.payments_normalized"),
        wf=wf_rt,
        entity=A,
        dtype="int",
        window="30d",
        freshness="5m",
    )
    feature(
        f,
        "fraud.card_bin_risk",
        "Chargeback rate of the card BIN, 180d, smoothed. Lags by 90 days because of label maturity.",
        src=D("staging.payments_normalized", "fraud.chargeback_labels"),
        wf=wf_rt,
        entity="card_bin",
        window="180d",
        freshness="24h",
    )
    feature(
        f,
        "fraud.device_account_count_30d",
        "Accounts seen on the device, 30d.",
        src=D("staging.login_events_enriched"),
        wf=wf_rt,
        entity="device_id",
        dtype="int",
        window="30d",
        freshness="5m",
        tags=("tier-1",),
    )
    feature(
        f,
        "fraud.ip_risk_score",
        "Share of failed logins + datacenter flag for the IP's /24, 7d.",
        src=D("staging.login_events_enriched", "raw.geoip_lookup"),
        wf=wf_rt,
        entity="ip_prefix",
        window="7d",
        freshness="5m",
    )
    feature(
        f,
        "fraud.login_failure_rate_1h",
        "Failed / total logins for the account, 1h.",
        src=D("staging.login_events_enriched"),
        wf=wf_rt,
        entity=A,
        window="1h",
        freshness="1m",
        tags=("realtime",),
    )
    feature(
        f,
        "fraud.impossible_travel_flag",
        "Two logins > 900 km/h apart. Noisy with VPNs.",
        src=D("staging.login_events_enriched"),
        wf=wf_rt,
        entity=A,
        dtype="bool",
        window="24h",
        freshness="1m",
    )
    feature(
        f,
        "fraud.concurrent_streams_max_7d",
        "Max concurrent streams per account, 7d.",
        src=D("core.playback_sessions"),
        wf=wf_rt,
        entity=A,
        dtype="int",
        window="7d",
        freshness="24h",
    )
    feature(
        f,
        "fraud.distinct_households_30d",
        """
            Distinct household clusters (IP + device + Wi-Fi heuristics) streaming on the
            account, 30d. Mobile data sessions are ignored.""",
        src=D("core.playback_sessions", "staging.login_events_enriched"),
        wf=wf_rt,
        entity=A,
        dtype="int",
        window="30d",
        tags=("pii",),
    )
    feature(
        f,
        "fraud.device_graph_embedding",
        "Account node vector from the identity graph.",
        src=D("fraud.device_graph_vectors"),
        wf=wf_rt,
        entity=A,
        dtype="array<float>[64]",
    )
    feature(
        f,
        "fraud.account_age_days",
        "Days since signup.",
        src=D("core.dim_account"),
        wf=wf_rt,
        entity=A,
        dtype="int",
    )
    feature(
        f,
        "fraud.billing_country_mismatch",
        "Card BIN country != billing country != IP country (any two differ).",
        src=D("core.dim_account", "staging.payments_normalized"),
        wf=wf_rt,
        entity=A,
        dtype="bool",
        freshness="1m",
    )

    wf_train = workflow(
        f,
        "metaflow.fraud_training",
        """
        Trains payment, ATO and sharing models. Thresholds are picked on the backtest set
        and stored next to the model.""",
        reads=D(
            "fraud.payment_training@2023q1",
            "fraud.payment_training@2024q1",
            "fraud.payment_training@2024q2",
            "fraud.ato_labels",
            "fraud.sharing_labels",
            "fraud.labeled_backtest_2024q2",
        ),
        owners_=lead,
        props={"flows": ["PaymentRiskFlow", "AtoFlow", "SharingFlow"], "schedule": "0 2 * * 0"},
    )
    pay = F(
        "fraud.payment_velocity_1h",
        "fraud.payment_velocity_24h",
        "fraud.distinct_cards_30d",
        "fraud.card_bin_risk",
        "fraud.account_age_days",
        "fraud.billing_country_mismatch",
    )
    model(
        f,
        "fraud.payment_risk",
        1,
        "GBM on payment velocity and BIN risk.",
        trained_on=D("fraud.payment_training@2023q1"),
        features=pay[:4],
        wf=wf_train,
        created="2023-03-15",
        tags=("retired",),
        props={"framework": "xgboost-1.7", "metrics": {"pr_auc": 0.41}},
    )
    model(
        f,
        "fraud.payment_risk",
        2,
        "@1 + device and geo features. Kept in shadow mode as the fallback for @3.",
        trained_on=D("fraud.payment_training@2024q1"),
        features=pay + F("fraud.device_account_count_30d", "fraud.ip_risk_score"),
        based_on=M("fraud.payment_risk@1"),
        wf=wf_train,
        created="2024-04-08",
        tags=("shadow",),
        props={"framework": "xgboost-2.0", "metrics": {"pr_auc": 0.49}},
    )
    model(
        f,
        "fraud.payment_risk",
        3,
        """
        @2 + identity-graph embedding. Blocks at score > 0.92, step-up (3DS) at > 0.6.
        Thresholds are per-region; LATAM uses its own because of local card networks.""",
        trained_on=D("fraud.payment_training@2024q2"),
        features=pay
        + F("fraud.device_account_count_30d", "fraud.ip_risk_score", "fraud.device_graph_embedding"),
        based_on=M("fraud.payment_risk@2"),
        wf=wf_train,
        created="2024-07-22",
        tags=("tier-1", "pci"),
        owners_=lead,
        props={
            "framework": "xgboost-2.0",
            "thresholds": {"block": 0.92, "step_up": 0.6},
            "metrics": {"pr_auc": 0.55, "recall@1pct_fpr": 0.63},
            "stage": "production",
        },
    )
    model(
        f,
        "fraud.account_takeover",
        1,
        "Rules distilled into a GBM. High FPR on travellers.",
        trained_on=D("fraud.ato_labels"),
        features=F("fraud.login_failure_rate_1h", "fraud.impossible_travel_flag", "fraud.ip_risk_score"),
        wf=wf_train,
        created="2023-05-30",
        tags=("retired",),
        props={"framework": "lightgbm-3.3", "metrics": {"pr_auc": 0.33}},
    )
    model(
        f,
        "fraud.account_takeover",
        2,
        """
        Login risk score; > 0.8 forces a magic-link challenge. PU-learning because negatives
        are unlabeled.""",
        trained_on=D("fraud.ato_labels"),
        features=F(
            "fraud.login_failure_rate_1h",
            "fraud.impossible_travel_flag",
            "fraud.ip_risk_score",
            "fraud.device_account_count_30d",
            "fraud.device_graph_embedding",
            "fraud.account_age_days",
        ),
        based_on=M("fraud.account_takeover@1"),
        wf=wf_train,
        created="2024-05-13",
        tags=("tier-1",),
        owners_=lead,
        props={"framework": "lightgbm-4.1", "metrics": {"pr_auc": 0.44}, "thresholds": {"challenge": 0.8}},
    )
    model(
        f,
        "fraud.credential_sharing",
        1,
        "Household-count heuristic wrapped as a model so the service could call it.",
        trained_on=D("fraud.sharing_labels"),
        features=F("fraud.distinct_households_30d", "fraud.concurrent_streams_max_7d"),
        wf=wf_train,
        created="2023-11-20",
        tags=("retired",),
        props={"framework": "sklearn-1.3"},
    )
    model(
        f,
        "fraud.credential_sharing",
        2,
        """
        Scores whether an account is shared outside the household. Drives the 'extra member'
        nudge, never blocks playback. Privacy-reviewed (PRIV-311): no location data beyond
        household clusters.""",
        trained_on=D("fraud.sharing_labels"),
        features=F(
            "fraud.distinct_households_30d",
            "fraud.concurrent_streams_max_7d",
            "recs.device_mix_28d",
            "fraud.account_age_days",
        ),
        based_on=M("fraud.credential_sharing@1"),
        wf=wf_train,
        created="2024-06-24",
        tags=("tier-1", "gdpr"),
        owners_=own("team-fraud-risk", "team-growth-ml:stakeholder", "rachel.cohen:privacy-reviewer"),
        props={"framework": "lightgbm-4.1", "metrics": {"precision@nudge": 0.88}},
    )
    model(
        f,
        "fraud.chargeback_gbm_legacy",
        1,
        """
        Old chargeback model from the 2021 payments vendor migration. Not served anywhere we
        know of, but the finance reconciliation notebook still loads it. Nobody owns it.""",
        trained_on=D("fraud.chargeback_labels"),
        features=F("fraud.card_bin_risk"),
        wf=wf_train,
        created="2021-08-30",
        tags=("deprecated",),
        owners_=NO_OWNER,
        props={"framework": "xgboost-0.90", "pickle_protocol": 2},
    )

    wf_bt = workflow(
        f,
        "metaflow.fraud_backtest",
        "Backtests at the production thresholds, plus $ saved vs blocked-good-customer cost.",
        reads=D(
            "fraud.labeled_backtest_2024q2",
            "fraud.payment_training@2024q1",
            "fraud.ato_labels",
            "fraud.sharing_labels",
        )
        + M(
            "fraud.payment_risk@2",
            "fraud.payment_risk@3",
            "fraud.account_takeover@2",
            "fraud.credential_sharing@2",
        ),
        props={"flow": "BacktestFlow"},
    )
    for name, ms, on, created, desc, metrics in [
        (
            "payment_risk@3.backtest_2024q2",
            ["fraud.payment_risk@3", "fraud.payment_risk@2"],
            ["fraud.labeled_backtest_2024q2"],
            "2024-08-05",
            "Backtest at block=0.92: recall 63% at 1% FPR, est. $410k/quarter saved vs @2.",
            {"recall@1pct_fpr": 0.63, "usd_saved_q": 410000},
        ),
        (
            "payment_risk@2.backtest_2024q1",
            ["fraud.payment_risk@2"],
            ["fraud.payment_training@2024q1"],
            "2024-04-09",
            "Test split of 2024q1. Labels not fully matured for March.",
            {"pr_auc": 0.49},
        ),
        (
            "payment_risk@3.latam_slice",
            ["fraud.payment_risk@3"],
            ["fraud.labeled_backtest_2024q2"],
            "2024-08-05",
            "LATAM only; separate thresholds justified (FPR 2.3x at global thresholds).",
            {"fpr_at_global_threshold": 0.023},
        ),
        (
            "account_takeover@2.offline",
            ["fraud.account_takeover@2"],
            ["fraud.ato_labels"],
            "2024-05-14",
            "PU metrics; precision is a lower bound.",
            {"pr_auc": 0.44},
        ),
        (
            "credential_sharing@2.offline",
            ["fraud.credential_sharing@2"],
            ["fraud.sharing_labels"],
            "2024-06-25",
            "Checked against 400 manually reviewed accounts: 88% precision at the nudge threshold.",
            {"precision@nudge": 0.88},
        ),
    ]:
        evaluation(
            f, name, desc, evaluates=M(*ms), on=D(*on), wf=wf_bt, created=created, props={"metrics": metrics}
        )


# -- content.yaml ----------------------------------------------------------------------


def build_content() -> None:
    f = "content.yaml"
    DEFAULT_OWNERS[f] = own("team-content-intel")
    lead = own("team-content-intel", "diego.fernandez:tech-lead")

    wf_sub = workflow(
        f,
        "airflow.subtitle_text_extract",
        "Strips timing/markup from subtitle files, one document per title x language.",
        reads=D("raw.subtitles"),
        props={"schedule": "0 2 * * *"},
    )
    table(
        f,
        "content.subtitle_text",
        """
        Plain subtitle text per title and language. SDH tags ([door creaks]) kept on purpose -
        they help genre/mood models.""",
        derived=D("raw.subtitles"),
        wf=wf_sub,
        part="language",
        rows=1_700_000,
    )
    wf_emb = workflow(
        f,
        "spark.content_embeddings",
        """
        Runs image_encoder_base@1 over sampled frames and artwork. GPU spot fleet; a spot
        reclaim mid-run leaves the partition incomplete and it's retried next night.""",
        reads=D("raw.video_frame_samples", "raw.artwork_assets") + M("ml-platform.image_encoder_base@1"),
        props={"schedule": "0 1 * * *", "gpu": "8x T4 spot"},
    )
    table(
        f,
        "content.frame_embeddings",
        "512-d embedding per sampled frame + per-title mean. Back catalogue (pre-2022-06) missing.",
        derived=D("raw.video_frame_samples"),
        wf=wf_emb,
        part="title_id",
        rows=510_000_000,
    )
    table(
        f,
        "content.artwork_embeddings",
        "512-d embedding per artwork image.",
        derived=D("raw.artwork_assets"),
        wf=wf_emb,
        part=None,
        rows=3_900_000,
    )

    wf_label = workflow(
        f,
        "labelbox.content_labeling_sync",
        """
        Syncs editorial genre labels and thumbnail quality ratings from Labelbox. Editors
        label ~300 titles a week.""",
        reads=D("core.title_catalog", "raw.artwork_assets"),
        props={"labelbox_project": "content-tagging", "schedule": "0 6 * * *"},
    )
    table(
        f,
        "content.genre_gold_labels",
        """
        Editor-assigned genres (multi-label, 62 ML genres) for 18k titles, double-labelled.
        Gold set for genre models and for anything that claims to 'understand' titles.""",
        derived=D("core.title_catalog"),
        wf=wf_label,
        part=None,
        rows=18_000,
        tags=("golden",),
        owners_=own("team-content-intel", "diego.fernandez:steward"),
    )
    table(
        f,
        "content.thumbnail_ratings",
        """
        1-5 quality ratings for artwork crops (blur, text legibility, faces cut off).
        Ratings before 2023-05 used a 3-point scale; rescaled, but noisier.""",
        derived=D("raw.artwork_assets"),
        wf=wf_label,
        part=None,
        rows=96_000,
    )

    wf_data = workflow(
        f,
        "airflow.content_training_data",
        """
        Assembles genre and demand training sets. Demand targets are first-28-day viewers per
        territory; titles with < 28 days of availability are excluded.""",
        reads=D(
            "content.genre_gold_labels",
            "core.title_catalog",
            "content.subtitle_text",
            "content.frame_embeddings",
            "core.title_viewing_daily",
            "raw.content_metadata_partner",
        ),
        props={"dag_id": "content_training_data", "schedule": "0 9 * * 1"},
    )
    table(
        f,
        "content.genre_training_set",
        "Gold labels joined with subtitle text and frame embeddings. 90/10 split by title, not by row.",
        derived=D(
            "content.genre_gold_labels",
            "core.title_catalog",
            "content.subtitle_text",
            "content.frame_embeddings",
        ),
        wf=wf_data,
        part="split",
        rows=18_000,
    )
    table(
        f,
        "content.demand_training_set",
        """
        One row per title x territory launch with pre-launch features and 28-day viewers.
        Licensed titles only; originals are forecast by a different team (not ML).""",
        derived=D("core.title_viewing_daily", "core.title_catalog", "raw.content_metadata_partner"),
        wf=wf_data,
        part=None,
        rows=640_000,
    )

    wf_feat = workflow(
        f,
        "feast.content_features",
        "Feast materialization for title-level content features.",
        auto=True,
        props={"feast_project": "streamly-content", "schedule": "0 11 * * *"},
    )
    T = "title_id"
    feature(
        f,
        "content.title_frame_embedding",
        "Mean frame embedding per title (512-d).",
        src=D("content.frame_embeddings"),
        wf=wf_feat,
        entity=T,
        dtype="array<float>[512]",
        store="dynamodb",
    )
    feature(
        f,
        "content.artwork_visual_features",
        "Artwork embedding + colourfulness, face count, text area.",
        src=D("content.artwork_embeddings"),
        wf=wf_feat,
        entity="artwork_id",
        dtype="array<float>[516]",
        store="dynamodb",
    )
    feature(
        f,
        "content.subtitle_keywords",
        "Top-50 TF-IDF keywords from English subtitles; other languages machine-translated first.",
        src=D("content.subtitle_text"),
        wf=wf_feat,
        entity=T,
        dtype="array<string>",
        store="dynamodb",
    )
    feature(
        f,
        "content.title_historical_demand",
        "Viewers in the first 28 days per territory for past titles.",
        src=D("core.title_viewing_daily"),
        wf=wf_feat,
        entity=T,
        dtype="map<string,int>",
        store="offline-only",
    )
    feature(
        f,
        "content.comparable_titles_demand",
        """
            Median first-28-day demand of the 20 nearest titles in title_embedding space.
            Uses recs title embeddings - retrain the forecast when they change.""",
        derived=F("content.title_historical_demand", "recs.title_embedding"),
        wf=wf_feat,
        entity=T,
        store="offline-only",
    )
    feature(
        f,
        "content.metadata_completeness",
        "Share of metadata fields filled (synopsis, cast, keywords, artwork sizes).",
        src=D("core.title_catalog"),
        wf=wf_feat,
        entity=T,
        store="offline-only",
    )
    feature(
        f,
        "content.cast_popularity",
        "Max and mean partner popularity score of the top-billed cast.",
        src=D("raw.content_metadata_partner"),
        wf=wf_feat,
        entity=T,
        store="offline-only",
        tags=("licensed",),
    )

    wf_train = workflow(
        f,
        "metaflow.content_training",
        "Trains content models. Genre and "
        "thumbnail monthly; demand forecast quarterly before acquisition "
        "planning.",
        reads=D(
            "content.genre_training_set",
            "content.thumbnail_ratings",
            "content.demand_training_set",
            "content.subtitle_text",
        )
        + M("ml-platform.text_encoder_base@1", "ml-platform.image_encoder_base@1"),
        owners_=lead,
        props={"flows": ["GenreFlow", "ThumbFlow", "DemandFlow", "AsrFlow"]},
    )
    model(
        f,
        "content.genre_classifier",
        1,
        "fastText over subtitles + synopsis.",
        trained_on=D("content.genre_training_set"),
        features=F("content.subtitle_keywords"),
        wf=wf_train,
        created="2023-03-08",
        tags=("retired",),
        props={"framework": "fasttext", "metrics": {"micro_f1": 0.64}},
    )
    model(
        f,
        "content.genre_classifier",
        2,
        """
        Multimodal (text encoder + frame embeddings) multi-label genre tagger. Its output
        feeds recs (title_genre_vector), search and ads - a bad release shows up everywhere.""",
        trained_on=D("content.genre_training_set"),
        features=F(
            "content.subtitle_keywords",
            "content.title_frame_embedding",
            "content.cast_popularity",
            "content.metadata_completeness",
        ),
        based_on=M("ml-platform.text_encoder_base@1"),
        wf=wf_train,
        created="2024-04-29",
        tags=("tier-1",),
        owners_=lead,
        props={"framework": "pytorch-2.2", "labels": 62, "metrics": {"micro_f1": 0.78, "macro_f1": 0.61}},
    )
    model(
        f,
        "content.thumbnail_quality",
        1,
        "Blur/crop detector, rules + small CNN.",
        trained_on=D("content.thumbnail_ratings"),
        features=F("content.artwork_visual_features"),
        wf=wf_train,
        created="2022-10-17",
        tags=("retired",),
        props={"framework": "keras-2.10"},
    )
    model(
        f,
        "content.thumbnail_quality",
        2,
        """
        Linear head on image_encoder_base@1. Artwork below 0.35 is sent back to the studio
        ops queue instead of going live.""",
        trained_on=D("content.thumbnail_ratings"),
        features=F("content.artwork_visual_features"),
        based_on=M("ml-platform.image_encoder_base@1"),
        wf=wf_train,
        created="2024-03-25",
        tags=("tier-2",),
        props={"framework": "pytorch-2.2", "metrics": {"spearman": 0.71}, "thresholds": {"reject": 0.35}},
    )
    demand = F("content.title_historical_demand", "content.cast_popularity", "content.metadata_completeness")
    model(
        f,
        "content.title_demand_forecast",
        1,
        "Gradient-boosted forecast of first-28-day viewers per territory.",
        trained_on=D("content.demand_training_set"),
        features=demand,
        wf=wf_train,
        created="2023-01-16",
        tags=("retired",),
        props={"framework": "lightgbm-3.3", "metrics": {"mape": 0.48}},
    )
    model(
        f,
        "content.title_demand_forecast",
        2,
        "Adds comparable-titles demand. Big win on non-English titles.",
        trained_on=D("content.demand_training_set"),
        features=demand + F("content.comparable_titles_demand"),
        based_on=M("content.title_demand_forecast@1"),
        wf=wf_train,
        created="2023-10-02",
        props={"framework": "lightgbm-4.0", "metrics": {"mape": 0.39}},
    )
    model(
        f,
        "content.title_demand_forecast",
        3,
        """
        Quantile version of @2 (p10/p50/p90) so acquisition can see the risk. Only used
        internally via content-insights-api; not customer facing.""",
        trained_on=D("content.demand_training_set"),
        features=demand + F("content.comparable_titles_demand", "recs.title_genre_vector"),
        based_on=M("content.title_demand_forecast@2"),
        wf=wf_train,
        created="2024-06-03",
        tags=("tier-3",),
        owners_=lead,
        props={
            "framework": "lightgbm-4.1",
            "objective": "quantile",
            "metrics": {"mape_p50": 0.37, "p10_p90_coverage": 0.77},
        },
    )
    model(
        f,
        "content.subtitle_asr",
        1,
        """
        Whisper-medium fine-tuned on our aligned subtitles for draft captions of licensed
        titles that arrive without them. Drafts always go to a human captioner.""",
        trained_on=D("content.subtitle_text"),
        wf=wf_train,
        created="2024-08-12",
        tags=("experimental",),
        props={"framework": "pytorch-2.3", "metrics": {"wer_en": 0.11}},
    )

    wf_tag = workflow(
        f,
        "airflow.genre_tagging_batch",
        """
        Nightly batch inference of genre_classifier@2 over new and changed titles; full
        re-tag on model release.""",
        reads=M("content.genre_classifier@2")
        + D("core.title_catalog", "content.subtitle_text", "content.frame_embeddings"),
        owners_=own("team-content-intel", "diego.fernandez:oncall"),
        tags=("tier-1",),
        props={"dag_id": "genre_tagging_batch", "schedule": "0 3 * * *"},
    )
    table(
        f,
        "content.title_genre_predictions",
        """
        ML genre probabilities per title (62 genres) from genre_classifier@2. model_version
        column says which model wrote each row; mixed during a re-tag.""",
        derived=D("core.title_catalog"),
        wf=wf_tag,
        part=None,
        rows=412_000,
        tags=("tier-1",),
    )
    wf_dem = workflow(
        f,
        "airflow.demand_forecast_batch",
        "Forecasts for titles in the acquisition pipeline, on request from content strategy.",
        reads=M("content.title_demand_forecast@3") + D("core.title_catalog"),
        props={"schedule": "manual"},
    )
    table(
        f,
        "content.demand_forecasts",
        "p10/p50/p90 forecasts for candidate titles per "
        "territory. Confidential (deal terms nearby) - restricted bucket.",
        derived=D("core.title_catalog"),
        wf=wf_dem,
        part="run_id",
        rows=210_000,
        tags=("confidential",),
    )

    wf_eval = workflow(
        f,
        "airflow.content_model_eval",
        "Eval jobs for content models.",
        reads=D(
            "content.genre_gold_labels",
            "content.thumbnail_ratings",
            "content.demand_training_set",
            "content.subtitle_text",
        )
        + M(
            "content.genre_classifier@2",
            "content.thumbnail_quality@2",
            "content.title_demand_forecast@2",
            "content.title_demand_forecast@3",
            "content.subtitle_asr@1",
        ),
        props={"dag_id": "content_model_eval"},
    )
    for name, ms, on, created, desc, metrics in [
        (
            "genre_classifier@2.offline",
            ["content.genre_classifier@2"],
            ["content.genre_gold_labels"],
            "2024-04-30",
            "micro-F1 0.78; 'mockumentary' and 'slow burn' still below 0.3.",
            {"micro_f1": 0.78},
        ),
        (
            "thumbnail_quality@2.offline",
            ["content.thumbnail_quality@2"],
            ["content.thumbnail_ratings"],
            "2024-03-26",
            "Spearman 0.71 vs rater mean.",
            {"spearman": 0.71},
        ),
        (
            "title_demand_forecast@2.backtest",
            ["content.title_demand_forecast@2"],
            ["content.demand_training_set"],
            "2023-10-03",
            "Launches 2023H1. MAPE 0.39.",
            {"mape": 0.39},
        ),
        (
            "title_demand_forecast@3.backtest",
            ["content.title_demand_forecast@3"],
            ["content.demand_training_set"],
            "2024-06-04",
            "Launches 2023H2-2024Q1. p10-p90 covers 77% (target 80%).",
            {"mape_p50": 0.37, "p10_p90_coverage": 0.77},
        ),
        (
            "subtitle_asr@1.wer",
            ["content.subtitle_asr@1"],
            ["content.subtitle_text"],
            "2024-08-13",
            "WER on 40 held-out titles; music-heavy scenes are the worst.",
            {"wer_en": 0.11},
        ),
    ]:
        evaluation(
            f,
            name,
            desc,
            evaluates=M(*ms),
            on=D(*on),
            wf=wf_eval,
            created=created,
            props={"metrics": metrics},
        )


# -- growth.yaml -----------------------------------------------------------------------


def build_growth() -> None:
    f = "growth.yaml"
    DEFAULT_OWNERS[f] = own("team-growth-ml")
    lead = own("team-growth-ml", "hannah.kim:tech-lead")

    wf_data = workflow(
        f,
        "airflow.growth_training_data",
        """
        Churn/LTV/push training sets. Churn label = cancelled or lapsed within 35 days of the
        snapshot; involuntary churn (payment failure) labelled separately.""",
        reads=D(
            "core.dim_account",
            "staging.accounts_scd2",
            "core.daily_viewing_by_profile",
            "staging.payments_normalized",
            "core.notification_engagement",
        ),
        props={"dag_id": "growth_training_data", "schedule": "0 6 2 * *"},
    )
    for v, created in [("2023.01", "2023-01-03"), ("2024.03", "2024-03-02"), ("2024.06", "2024-06-02")]:
        table(
            f,
            f"growth.churn_training@{v}",
            f"""
              Account snapshots as of {v} with 35-day churn labels. Accounts < 30 days old
              excluded (trial behaviour is different).""",
            derived=D("core.dim_account", "staging.accounts_scd2", "core.daily_viewing_by_profile"),
            wf=wf_data,
            part="split",
            rows=720_000,
            tags=("pii",),
            created=created,
        )
    table(
        f,
        "growth.churn_holdout_2024.06",
        "Later snapshot (2024-07-01) for churn eval.",
        derived=D("core.dim_account", "staging.accounts_scd2"),
        wf=wf_data,
        part=None,
        rows=690_000,
        tags=("pii", "golden"),
        created="2024-08-06",
    )
    table(
        f,
        "growth.ltv_training",
        """
        12-month revenue per signup cohort, 2021-2023. Price changes in 2023-01 and 2024-01
        make older cohorts less comparable.""",
        derived=D("staging.accounts_scd2", "staging.payments_normalized"),
        wf=wf_data,
        part="cohort_month",
        rows=2_100_000,
        tags=("pii",),
    )
    table(
        f,
        "growth.push_training",
        "Push sends with open within 2h, by local send hour.",
        derived=D("core.notification_engagement"),
        wf=wf_data,
        rows=310_000_000,
    )

    wf_feat = workflow(
        f,
        "feast.growth_features",
        "Feast materialization for growth features.",
        auto=True,
        props={"feast_project": "streamly-growth", "schedule": "0 12 * * *"},
    )
    A = "account_id"
    feature(
        f,
        "growth.tenure_days",
        "Days since first paid period.",
        src=D("core.dim_account"),
        wf=wf_feat,
        entity=A,
        dtype="int",
    )
    feature(
        f,
        "growth.plan_type",
        "basic | standard | premium | ads.",
        src=D("core.dim_account"),
        wf=wf_feat,
        entity=A,
        dtype="string",
    )
    feature(
        f,
        "growth.payment_failures_90d",
        "Failed renewals, 90d. Strongest involuntary churn signal.",
        src=D("staging.payments_normalized"),
        wf=wf_feat,
        entity=A,
        dtype="int",
        window="90d",
    )
    feature(
        f,
        "growth.viewing_decline_28d",
        """
            Drop in watch time, 7d vs 28d, max over the account's profiles. Built on recs
            watch_time features but clipped differently from recs.watch_time_trend.""",
        derived=F("recs.watch_time_7d", "recs.watch_time_28d"),
        wf=wf_feat,
        entity=A,
    )
    feature(
        f,
        "growth.support_contacts_90d",
        "Support tickets, 90d, by category.",
        src=D("staging.support_tickets_clean"),
        wf=wf_feat,
        entity=A,
        dtype="map<string,int>",
        window="90d",
    )
    feature(
        f,
        "growth.push_open_rate_30d",
        "Push opens / sends, 30d. iOS under-counted.",
        src=D("core.notification_engagement"),
        wf=wf_feat,
        entity="profile_id",
        window="30d",
    )
    feature(
        f,
        "growth.email_click_rate_30d",
        "Email clicks / delivered, 30d (opens are useless since MPP).",
        src=D("core.notification_engagement"),
        wf=wf_feat,
        entity=A,
        window="30d",
    )
    feature(
        f,
        "growth.preferred_hour_of_day",
        "Argmax of recs time_of_day_histogram, smoothed.",
        derived=F("recs.time_of_day_histogram"),
        wf=wf_feat,
        entity="profile_id",
        dtype="int",
    )

    feature(
        f,
        "growth.household_size",
        "Active profiles on the account (played in 28d).",
        src=D("core.dim_profile", "core.daily_viewing_by_profile"),
        wf=wf_feat,
        entity=A,
        dtype="int",
    )
    feature(
        f,
        "growth.price_increase_exposure",
        """
            Whether and when the account got a price-increase notice. Experimental - only
            populated for the 2024 increase.""",
        src=D("core.dim_account"),
        wf=wf_feat,
        entity=A,
        dtype="string",
        tags=("experimental",),
    )

    wf_train = workflow(
        f,
        "metaflow.growth_training",
        "Monthly retrains of churn, LTV and send-time models.",
        reads=D(
            "growth.churn_training@2023.01",
            "growth.churn_training@2024.03",
            "growth.churn_training@2024.06",
            "growth.ltv_training",
            "growth.push_training",
        ),
        owners_=lead,
        props={"flows": ["ChurnFlow", "LtvFlow", "SendTimeFlow"], "schedule": "0 8 3 * *"},
    )
    churn = F(
        "growth.tenure_days",
        "growth.plan_type",
        "growth.payment_failures_90d",
        "growth.viewing_decline_28d",
        "recs.days_since_last_play",
        "growth.support_contacts_90d",
    )
    model(
        f,
        "growth.churn_predictor",
        1,
        "Logistic regression, 6 features. The baseline everyone still quotes.",
        trained_on=D("growth.churn_training@2023.01"),
        features=churn,
        wf=wf_train,
        created="2023-01-24",
        tags=("retired",),
        props={"framework": "sklearn-1.2", "metrics": {"auc": 0.74}},
    )
    model(
        f,
        "growth.churn_predictor",
        2,
        "GBM; adds engagement with notifications.",
        trained_on=D("growth.churn_training@2024.03"),
        features=churn + F("growth.push_open_rate_30d", "growth.email_click_rate_30d"),
        wf=wf_train,
        created="2024-03-12",
        props={"framework": "lightgbm-4.1", "metrics": {"auc": 0.8}},
    )
    model(
        f,
        "growth.churn_predictor",
        3,
        """
        @2 retrained on 2024.06 + household size and price-increase exposure. Scores go to
        retention-offers-svc and the CRM; a score is not a reason to show an offer on its own
        (see the offer policy doc).""",
        trained_on=D("growth.churn_training@2024.06"),
        features=churn
        + F(
            "growth.push_open_rate_30d",
            "growth.email_click_rate_30d",
            "growth.household_size",
            "growth.price_increase_exposure",
            "recs.watch_time_trend",
        ),
        based_on=M("growth.churn_predictor@2"),
        wf=wf_train,
        created="2024-06-18",
        tags=("tier-1",),
        owners_=lead,
        props={"framework": "lightgbm-4.1", "metrics": {"auc": 0.82, "brier": 0.061}, "stage": "production"},
    )
    model(
        f,
        "growth.ltv_model",
        1,
        "BG/NBD + gamma-gamma per plan.",
        trained_on=D("growth.ltv_training"),
        features=F("growth.tenure_days", "growth.plan_type"),
        wf=wf_train,
        created="2022-11-14",
        tags=("retired",),
        props={"framework": "lifetimes-0.11"},
    )
    model(
        f,
        "growth.ltv_model",
        2,
        "GBM on top of @1's predictions; 12-month revenue.",
        trained_on=D("growth.ltv_training"),
        features=F(
            "growth.tenure_days",
            "growth.plan_type",
            "growth.payment_failures_90d",
            "growth.household_size",
            "recs.watch_time_28d",
        ),
        based_on=M("growth.ltv_model@1"),
        wf=wf_train,
        created="2024-02-20",
        tags=("tier-2",),
        props={"framework": "lightgbm-4.1", "metrics": {"mape_12m": 0.21}},
    )
    model(
        f,
        "growth.push_send_time",
        1,
        "Per-profile best hour from history, no model.",
        trained_on=D("growth.push_training"),
        features=F("growth.preferred_hour_of_day"),
        wf=wf_train,
        created="2023-06-05",
        tags=("retired",),
        props={"framework": "sql"},
    )
    model(
        f,
        "growth.push_send_time",
        2,
        """
        Predicts open probability per local hour; suppresses sends for high churn-risk
        profiles that ignore pushes (they unsubscribe).""",
        trained_on=D("growth.push_training"),
        features=F(
            "growth.preferred_hour_of_day",
            "growth.push_open_rate_30d",
            "growth.churn_risk_score",
            "recs.days_since_last_play",
        ),
        based_on=M("growth.push_send_time@1"),
        wf=wf_train,
        created="2024-08-19",
        tags=("tier-2",),
        props={"framework": "lightgbm-4.1", "metrics": {"open_auc": 0.69}},
    )

    wf_score = workflow(
        f,
        "airflow.churn_scoring_daily",
        "Scores all active accounts with churn_predictor@3 and pushes scores to the CRM.",
        reads=M("growth.churn_predictor@3") + D("core.dim_account"),
        owners_=own("team-growth-ml", "hannah.kim:oncall"),
        props={"dag_id": "churn_scoring_daily", "schedule": "0 13 * * *"},
    )
    table(
        f,
        "growth.churn_scores_daily",
        "Daily churn score per account (churn_predictor@3). Kept 180 days.",
        derived=D("core.dim_account"),
        wf=wf_score,
        rows=880_000,
        tags=("pii",),
    )
    feature(
        f,
        "growth.churn_risk_score",
        "Yesterday's churn_predictor@3 score, pushed to the "
        "feature store by the scoring DAG itself (not by feast.growth_features, which "
        "materializes the model's inputs).",
        src=D("growth.churn_scores_daily"),
        wf=wf_score,
        entity=A,
        created="2024-06-20",
    )

    wf_eval = workflow(
        f,
        "airflow.growth_model_eval",
        "Eval + calibration for growth models.",
        reads=D(
            "growth.churn_holdout_2024.06",
            "growth.churn_training@2024.03",
            "growth.ltv_training",
            "growth.push_training",
        )
        + M(
            "growth.churn_predictor@2",
            "growth.churn_predictor@3",
            "growth.ltv_model@2",
            "growth.push_send_time@2",
        ),
        props={"dag_id": "growth_model_eval"},
    )
    for name, ms, on, created, desc, metrics in [
        (
            "churn_predictor@3.offline",
            ["growth.churn_predictor@3", "growth.churn_predictor@2"],
            ["growth.churn_holdout_2024.06"],
            "2024-08-07",
            "AUC 0.82 vs 0.80 for @2 on the July snapshot. Calibrated within 1pt per decile.",
            {"auc": 0.82, "brier": 0.061},
        ),
        (
            "churn_predictor@2.offline",
            ["growth.churn_predictor@2"],
            ["growth.churn_training@2024.03"],
            "2024-03-13",
            "Test split only.",
            {"auc": 0.8},
        ),
        (
            "ltv_model@2.backtest",
            ["growth.ltv_model@2"],
            ["growth.ltv_training"],
            "2024-02-21",
            "2022 cohorts; 2023 price change makes this optimistic.",
            {"mape_12m": 0.21},
        ),
        (
            "push_send_time@2.offline",
            ["growth.push_send_time@2"],
            ["growth.push_training"],
            "2024-08-20",
            "Open AUC 0.69. Offline gain small; the A/B is what matters.",
            {"open_auc": 0.69},
        ),
    ]:
        evaluation(
            f,
            name,
            desc,
            evaluates=M(*ms),
            on=D(*on),
            wf=wf_eval,
            created=created,
            props={"metrics": metrics},
        )


# -- trust_safety.yaml -----------------------------------------------------------------


def build_trust_safety() -> None:
    f = "trust_safety.yaml"
    DEFAULT_OWNERS[f] = own("team-trust-safety")
    lead = own("team-trust-safety", "kenji.watanabe:tech-lead")

    wf_prep = workflow(
        f,
        "spark.ts_text_prep",
        "Normalises user text (unicode confusables, leetspeak) and report free text.",
        reads=D("raw.profile_text_fields", "raw.content_reports"),
        props={"schedule": "0 * * * *"},
    )
    table(
        f,
        "ts.profile_text_clean",
        "Profile and list names after normalisation. Kept 30d.",
        derived=D("raw.profile_text_fields"),
        wf=wf_prep,
        rows=180_000,
        tags=("pii", "gdpr"),
        extra={"retention_days": 30},
    )
    table(
        f,
        "ts.content_reports_clean",
        "Reports with language detected and target resolved (profile, list or title).",
        derived=D("raw.content_reports"),
        wf=wf_prep,
        rows=39_000,
        tags=("pii",),
    )

    wf_labels = workflow(
        f,
        "airflow.ts_label_export",
        """
        Exports moderator decisions as training labels. Appeals overturns win over the
        original decision. Reviewer ids are dropped here.""",
        reads=D(
            "raw.moderator_decisions",
            "ts.profile_text_clean",
            "raw.video_frame_samples",
            "ts.content_reports_clean",
        ),
        props={"dag_id": "ts_label_export", "schedule": "0 3 * * *"},
    )
    table(
        f,
        "ts.enforcement_actions",
        "Final action per target (after appeals).",
        derived=D("raw.moderator_decisions"),
        wf=wf_labels,
        rows=24_000,
    )
    table(
        f,
        "ts.toxicity_labels",
        "Profile/list names labelled by policy (hate, sexual, "
        "harassment, none). 11 languages; Turkish and Thai are thin.",
        derived=D("ts.profile_text_clean", "raw.moderator_decisions"),
        wf=wf_labels,
        part=None,
        rows=52_000,
        tags=("pii",),
    )
    table(
        f,
        "ts.nsfw_training_frames",
        """
        Frames with moderator labels (nudity, gore, none). Heavily skewed: 0.7% positive.
        Frames from kids titles are over-sampled in the negatives on purpose.""",
        derived=D("raw.video_frame_samples", "raw.moderator_decisions"),
        wf=wf_labels,
        part=None,
        rows=2_400_000,
    )
    table(
        f,
        "ts.nsfw_gold_set",
        "12k frames triple-labelled by senior moderators, balanced "
        "across skin tones (Monk scale). Eval only.",
        derived=D("raw.video_frame_samples"),
        wf=wf_labels,
        part=None,
        rows=12_000,
        tags=("golden",),
        owners_=own("team-trust-safety", "kenji.watanabe:steward"),
    )
    table(
        f,
        "ts.report_triage_training",
        "Reports with final outcome and time-to-action.",
        derived=D("ts.content_reports_clean", "ts.enforcement_actions"),
        wf=wf_labels,
        part=None,
        rows=36_000,
    )

    wf_bot = workflow(
        f,
        "spark.bot_detection_daily",
        """
        Flags devices that browse like scrapers (impressions without dwell, headless UA,
        datacenter ASN). Rules + isolation forest; list is read by the impressions pipeline.""",
        reads=D("staging.ui_impressions_dedup", "staging.login_events_enriched"),
        owners_=own("team-trust-safety", "team-data-platform:consumer"),
        props={"schedule": "30 0 * * *", "engine": "spark-3.5"},
    )
    table(
        f,
        "ts.bot_device_list",
        """
        Device ids considered bots, with first_seen and reason. ~40k devices on a normal day.
        False positives are usually QA device farms - allow-list in the repo.""",
        derived=D("staging.ui_impressions_dedup", "staging.login_events_enriched"),
        wf=wf_bot,
        part="dt",
        rows=41_000,
        tags=("tier-1",),
    )

    wf_feat = workflow(
        f,
        "spark.ts_features",
        "Batch features for T&S models (no online store; the triage service reads them from Postgres).",
        auto=True,
        props={"schedule": "15 * * * *"},
    )
    feature(
        f,
        "ts.reporter_reliability",
        "Share of the reporter's past reports that led to action, Beta(2,8) prior.",
        src=D("ts.content_reports_clean", "ts.enforcement_actions"),
        wf=wf_feat,
        entity="reporter_account_id",
        store="postgres",
        freshness="1h",
    )
    feature(
        f,
        "ts.report_volume_24h",
        "Reports against the target, 24h.",
        src=D("ts.content_reports_clean"),
        wf=wf_feat,
        entity="target_id",
        dtype="int",
        window="24h",
        store="postgres",
        freshness="15m",
    )
    feature(
        f,
        "ts.text_lexicon_hits",
        "Matches against the policy lexicons after normalisation.",
        src=D("ts.profile_text_clean"),
        wf=wf_feat,
        entity="text_id",
        dtype="array<string>",
        store="postgres",
        freshness="15m",
    )
    feature(
        f,
        "ts.account_prior_violations",
        "Actions against the account, 365d.",
        src=D("ts.enforcement_actions"),
        wf=wf_feat,
        entity="account_id",
        dtype="int",
        window="365d",
        store="postgres",
    )
    feature(
        f,
        "ts.account_age_bucket",
        "fraud.account_age_days bucketed (0-7, 8-30, 31-365, 365+).",
        derived=F("fraud.account_age_days"),
        wf=wf_feat,
        entity="account_id",
        dtype="string",
        store="postgres",
    )

    wf_train = workflow(
        f,
        "kubeflow.ts_training",
        "Training for T&S classifiers.",
        reads=D("ts.nsfw_training_frames", "ts.toxicity_labels", "ts.report_triage_training")
        + M("ml-platform.image_encoder_base@1", "ml-platform.text_encoder_base@1"),
        owners_=lead,
        props={"pipeline": "tns-train", "gpu": "2x A100"},
    )
    model(
        f,
        "ts.nsfw_frame_classifier",
        1,
        "ResNet-50 fine-tune. Too many false positives on darker skin tones - replaced.",
        trained_on=D("ts.nsfw_training_frames"),
        wf=wf_train,
        created="2023-02-27",
        tags=("retired",),
        props={"framework": "pytorch-1.13", "metrics": {"pr_auc": 0.81}},
    )
    model(
        f,
        "ts.nsfw_frame_classifier",
        2,
        """
        Linear + MLP head on image_encoder_base@1. Screens frames of incoming titles and all
        artwork. Fairness eval per Monk skin-tone bucket is a release gate.""",
        trained_on=D("ts.nsfw_training_frames"),
        based_on=M("ml-platform.image_encoder_base@1"),
        wf=wf_train,
        created="2024-05-20",
        tags=("tier-1",),
        owners_=lead,
        props={"framework": "pytorch-2.2", "metrics": {"pr_auc": 0.9, "fpr_gap_max": 0.004}},
    )
    model(
        f,
        "ts.profile_name_toxicity",
        1,
        "Lexicon + logistic regression.",
        trained_on=D("ts.toxicity_labels"),
        features=F("ts.text_lexicon_hits"),
        wf=wf_train,
        created="2022-08-08",
        tags=("retired",),
        props={"framework": "sklearn-1.1"},
    )
    model(
        f,
        "ts.profile_name_toxicity",
        2,
        """
        Fine-tuned text_encoder_base@1 for short user text. Flags go to moderators; auto-action
        only above 0.98 and only for hate/sexual.""",
        trained_on=D("ts.toxicity_labels"),
        features=F("ts.text_lexicon_hits", "ts.account_prior_violations"),
        based_on=M("ml-platform.text_encoder_base@1"),
        wf=wf_train,
        created="2024-04-01",
        tags=("tier-2",),
        props={
            "framework": "pytorch-2.2",
            "metrics": {"macro_f1": 0.83},
            "thresholds": {"auto_action": 0.98, "review": 0.7},
        },
    )
    model(
        f,
        "ts.report_triage",
        1,
        "Orders the moderator queue by predicted action-probability x severity.",
        trained_on=D("ts.report_triage_training"),
        features=F(
            "ts.reporter_reliability",
            "ts.report_volume_24h",
            "ts.account_prior_violations",
            "ts.account_age_bucket",
        ),
        wf=wf_train,
        created="2023-12-04",
        tags=("tier-2",),
        props={"framework": "lightgbm-4.0", "metrics": {"ndcg@50": 0.72}},
    )

    wf_eval = workflow(
        f,
        "airflow.ts_model_eval",
        "Release gates for T&S models.",
        reads=D("ts.nsfw_gold_set", "ts.toxicity_labels", "ts.report_triage_training")
        + M("ts.nsfw_frame_classifier@2", "ts.profile_name_toxicity@2", "ts.report_triage@1"),
        props={"dag_id": "ts_model_eval"},
    )
    for name, ms, on, created, desc, metrics in [
        (
            "nsfw_frame_classifier@2.offline",
            ["ts.nsfw_frame_classifier@2"],
            ["ts.nsfw_gold_set"],
            "2024-05-21",
            "PR-AUC 0.90 on the gold set.",
            {"pr_auc": 0.9},
        ),
        (
            "nsfw_frame_classifier@2.fairness_skin_tone",
            ["ts.nsfw_frame_classifier@2", "ts.nsfw_frame_classifier@1"],
            ["ts.nsfw_gold_set"],
            "2024-05-21",
            "Max FPR gap across Monk buckets 0.4pt (was 3.1pt for @1). Gate passed.",
            {"fpr_gap_max": 0.004, "fpr_gap_max_v1": 0.031},
        ),
        (
            "profile_name_toxicity@2.offline",
            ["ts.profile_name_toxicity@2"],
            ["ts.toxicity_labels"],
            "2024-04-02",
            "Macro-F1 0.83; Thai 0.61 (few labels).",
            {"macro_f1": 0.83},
        ),
        (
            "report_triage@1.offline",
            ["ts.report_triage@1"],
            ["ts.report_triage_training"],
            "2023-12-05",
            "Time-split. Median time-to-action for severe reports -38% in simulation.",
            {"ndcg@50": 0.72},
        ),
    ]:
        evaluation(
            f,
            name,
            desc,
            evaluates=M(*ms),
            on=D(*on),
            wf=wf_eval,
            created=created,
            props={"metrics": metrics},
        )


# -- ml_platform.yaml ------------------------------------------------------------------


def build_ml_platform() -> None:
    f = "ml_platform.yaml"
    DEFAULT_OWNERS[f] = own("team-ml-platform", "oluwaseun.adeyemi:tech-lead")
    add(
        f,
        "dataset:ext.multilingual_text_corpus",
        """
        Licensed multilingual web + books corpus (vendor drop, 2023-09). 31 languages.
        Licence allows training, not redistribution of the text.""",
        tags=("third-party", "licensed"),
        ns="s3://streamly-ml-corpora/text-2023-09",
        props={"format": "jsonl.zst", "tokens_b": 410, "languages": 31},
        created="2023-09-20",
    )
    add(
        f,
        "dataset:ext.licensed_image_corpus",
        """
        Licensed stock image set + our own artwork (pre-2023). No frames from titles - the
        studio contracts don't allow it for foundation training.""",
        tags=("third-party", "licensed"),
        ns="s3://streamly-ml-corpora/images-2023",
        props={"format": "webdataset", "images_m": 140},
        created="2023-08-01",
    )
    wf = workflow(
        f,
        "kubeflow.foundation_encoders",
        """
        Pre-training of the shared encoders. Runs on the reserved A100 pool over a weekend;
        book it with ML Platform first.""",
        reads=D("ext.multilingual_text_corpus", "ext.licensed_image_corpus", "content.subtitle_text"),
        props={"pipeline": "foundation-encoders", "gpu": "64x A100", "schedule": "manual"},
    )
    model(
        f,
        "ml-platform.text_encoder_base",
        1,
        """
        Multilingual text encoder (110M params), our base for search, content and T&S text
        models. Frozen: fine-tune it, don't change it - six teams depend on it.""",
        trained_on=D("ext.multilingual_text_corpus", "content.subtitle_text"),
        wf=wf,
        created="2023-11-06",
        tags=("tier-1", "golden"),
        props={"framework": "pytorch-2.1", "params_m": 110, "dim": 384, "license": "internal"},
    )
    model(
        f,
        "ml-platform.text_encoder_base",
        2,
        """
        Longer context (2k tokens) and more Asian-language data. Candidate successor to @1;
        nobody has migrated yet.""",
        trained_on=D("ext.multilingual_text_corpus", "content.subtitle_text"),
        based_on=M("ml-platform.text_encoder_base@1"),
        wf=wf,
        created="2024-09-09",
        tags=("experimental",),
        props={"framework": "pytorch-2.3", "params_m": 125, "dim": 384, "max_len": 2048},
    )
    model(
        f,
        "ml-platform.image_encoder_base",
        1,
        """
        ViT-B/16 image encoder, contrastive pre-training. Base for artwork, thumbnail and
        NSFW models. Input 224px; don't feed it 1080p frames and expect magic.""",
        trained_on=D("ext.licensed_image_corpus"),
        wf=wf,
        created="2023-08-28",
        tags=("tier-1",),
        props={"framework": "pytorch-2.0", "params_m": 86, "dim": 512},
    )
    wf_eval = workflow(
        f,
        "kubeflow.foundation_eval",
        "Downstream probes for the encoders.",
        reads=D(
            "search.qu_labeled_queries",
            "content.genre_gold_labels",
            "ts.nsfw_gold_set",
            "content.thumbnail_ratings",
        )
        + M(
            "ml-platform.text_encoder_base@1",
            "ml-platform.text_encoder_base@2",
            "ml-platform.image_encoder_base@1",
        ),
        props={"pipeline": "foundation-eval"},
    )
    evaluation(
        f,
        "text_encoder_base@2.probes",
        "@2 vs @1 on linear probes: intent +1.2pt, genre +0.4pt, JA intent +4pt.",
        evaluates=M("ml-platform.text_encoder_base@2", "ml-platform.text_encoder_base@1"),
        on=D("search.qu_labeled_queries", "content.genre_gold_labels"),
        wf=wf_eval,
        created="2024-09-12",
        props={"metrics": {"intent_probe_f1": 0.88, "genre_probe_f1": 0.7}},
    )
    evaluation(
        f,
        "image_encoder_base@1.linear_probe",
        "Linear probes on NSFW gold set and thumbnail quality.",
        evaluates=M("ml-platform.image_encoder_base@1"),
        on=D("ts.nsfw_gold_set", "content.thumbnail_ratings"),
        wf=wf_eval,
        created="2023-08-30",
        props={"metrics": {"nsfw_probe_pr_auc": 0.86}},
    )


# -- services.yaml ---------------------------------------------------------------------


def svc_props(
    endpoint, p99, qps, replicas, runtime="python/fastapi", cluster="prod-us-east-1", tier="tier-1", **extra
):
    props = {
        "environment": "production",
        "endpoint": endpoint,
        "cluster": cluster,
        "slo": {"p99_ms": p99, "availability": "99.95%" if tier == "tier-1" else "99.9%"},
        "peak_qps": qps,
        "replicas": replicas,
        "runtime": runtime,
    }
    props.update(extra)
    return props


def build_services() -> None:
    sre = "team-ml-serving-sre:oncall"
    recs = own("team-recs-ranking", sre)
    t1, t2 = ("production", "tier-1"), ("production", "tier-2")

    service(
        "web-edge-gateway",
        """
        Public API gateway for all clients (TV, mobile, web). Routing, auth token check,
        rate limits. Everything user-facing goes through here.""",
        owners_=own("team-edge-platform", "nora.lindqvist:oncall"),
        tags=t1,
        domain="platform",
        props=svc_props(
            "https://api.streamly.example", 250, 410_000, 180, runtime="envoy", cluster="prod-global"
        ),
    )
    service(
        "home-feed-api",
        """
        Builds the home page: asks row-selector which rows, candidate-retrieval + ranking for
        each row, continue-watching and BYW rows, artwork per tile. Falls back to trending
        rows if ranking times out (120 ms budget).""",
        owners_=own("team-recs-ranking", "marcus.oyelaran:owner", sre),
        tags=t1,
        domain="recommendations",
        props=svc_props("grpc://home-feed.recs.svc:8443", 180, 95_000, 120, runtime="go"),
    )
    service(
        "home-ranking-svc",
        """
        Scores candidates for the home page. Serves home_ranker@4; @3 stays loaded at 0%
        as instant rollback (flag home_ranker.version).""",
        owners_=recs,
        tags=t1,
        domain="recommendations",
        props=svc_props(
            "grpc://home-ranking.recs.svc:8443",
            60,
            95_000,
            64,
            runtime="tf-serving",
            gpu="T4",
            rollback_model="recs.home_ranker@3",
        ),
    )
    service(
        "home-ranking-edge-svc",
        "Low-latency ranker for TV devices (distilled model, ONNX on CPU).",
        owners_=recs,
        tags=t2,
        domain="recommendations",
        props=svc_props(
            "grpc://home-ranking-edge.recs.svc:8443", 8, 40_000, 24, runtime="onnxruntime", tier="tier-2"
        ),
    )
    service(
        "candidate-retrieval-svc",
        "ANN retrieval (ScaNN) over the two-tower index. "
        "Index reload at 05:00 UTC causes a small latency blip.",
        owners_=own("team-recs-candidates", "jae.park:owner", sre),
        tags=t1,
        domain="recommendations",
        props=svc_props("grpc://candgen.recs.svc:8443", 25, 95_000, 48, runtime="c++"),
    )
    service(
        "row-selector-svc",
        "Chooses row types for the home page.",
        owners_=recs,
        tags=t1,
        domain="recommendations",
        props=svc_props("grpc://row-selector.recs.svc:8443", 15, 95_000, 16),
    )
    service(
        "continue-watching-svc",
        """
        Continue Watching row. tier-1: it's the most-clicked row on TV. Model still trained
        on legacy.watch_history_v1 (RECS-2291).""",
        owners_=own("team-recs-ranking", "marcus.oyelaran:owner", sre),
        tags=t1,
        domain="recommendations",
        props=svc_props("grpc://continue-watching.recs.svc:8443", 30, 95_000, 24),
    )
    service(
        "because-you-watched-svc",
        "'Because you watched X' rows and 'more like this' on title pages.",
        owners_=own("team-recs-candidates", sre),
        tags=t2,
        domain="recommendations",
        props=svc_props("grpc://byw.recs.svc:8443", 40, 60_000, 16, tier="tier-2"),
    )
    service(
        "coldstart-svc",
        "Home rows for profiles < 7 days old. 80/20 split @1/@2 until exp-2024-055 reads out.",
        owners_=own("team-recs-candidates", sre),
        tags=t2,
        domain="recommendations",
        props=svc_props(
            "grpc://coldstart.recs.svc:8443",
            40,
            4_000,
            6,
            tier="tier-2",
            traffic_split={"recs.new_user_coldstart@1": 80, "recs.new_user_coldstart@2": 20},
        ),
    )
    service(
        "trending-svc",
        "Trending Now row; also the fallback when ranking times out.",
        owners_=recs,
        tags=t2,
        domain="recommendations",
        props=svc_props("grpc://trending.recs.svc:8443", 10, 95_000, 8, tier="tier-2"),
    )
    service(
        "artwork-svc",
        "Picks the artwork variant per tile. Falls back to default art on any error - cheap to fail.",
        owners_=recs,
        tags=t2,
        domain="recommendations",
        props=svc_props("grpc://artwork.recs.svc:8443", 20, 380_000, 40, tier="tier-2"),
    )
    service(
        "title-details-api",
        "Title page: metadata, episodes, 'more like this', artwork.",
        owners_=own("team-edge-platform", sre),
        tags=t1,
        domain="platform",
        props=svc_props("https://api.streamly.example/v2/titles", 150, 60_000, 40, runtime="go"),
    )
    service(
        "search-api",
        "Search endpoint: QU -> retrieval (BM25 + semantic) -> LTR. "
        "Spell correction only on zero/low-result queries.",
        owners_=own("team-search-relevance", "lena.vogt:owner", sre),
        tags=t1,
        domain="search",
        props=svc_props("https://api.streamly.example/v2/search", 200, 12_000, 30, runtime="java/spring"),
    )
    service(
        "query-understanding-svc",
        "Intent + entities + query embedding.",
        owners_=own("team-search-relevance", sre),
        tags=t1,
        domain="search",
        props=svc_props("grpc://qu.search.svc:8443", 25, 12_000, 12, runtime="triton", gpu="none (int8 CPU)"),
    )
    service(
        "search-ranking-svc",
        "LTR re-ranking of top-200 candidates.",
        owners_=own("team-search-relevance", sre),
        tags=t1,
        domain="search",
        props=svc_props("grpc://search-ranking.search.svc:8443", 35, 12_000, 12),
    )
    service(
        "autocomplete-svc",
        "Suggestions per keystroke (debounced 80 ms on clients).",
        owners_=own("team-search-relevance", sre),
        tags=t1,
        domain="search",
        props=svc_props("grpc://autocomplete.search.svc:8443", 15, 55_000, 20, runtime="rust"),
    )
    service(
        "spell-svc",
        "Spelling correction. Serves @1; @2 lost its A/B.",
        owners_=own("team-search-relevance"),
        tags=t2,
        domain="search",
        props=svc_props("grpc://spell.search.svc:8443", 20, 1_500, 4, tier="tier-2"),
    )
    service(
        "playback-api",
        "Playback start: entitlements, DRM licence, manifest, ad "
        "decisioning for the ads plan, sharing check.",
        owners_=own("team-edge-platform", "nora.lindqvist:oncall"),
        tags=t1,
        domain="platform",
        props=svc_props("https://api.streamly.example/v2/play", 300, 35_000, 60, runtime="go"),
    )
    service(
        "ad-insertion-svc",
        "Server-side ad insertion (SSAI) stitcher; asks ads-decision-svc to fill each pod.",
        owners_=own("team-ads-ml", sre),
        tags=t1,
        domain="ads",
        props=svc_props("grpc://ssai.ads.svc:8443", 400, 9_000, 30, runtime="go"),
    )
    service(
        "ads-decision-svc",
        """
        Runs the auction for an ad pod: eligibility, frequency caps (hard + learned), pCTR x
        bid, bid shading. Hard contract caps are enforced here, not by the model.""",
        owners_=own("team-ads-ml", "tomasz.wisniewski:owner", sre),
        tags=t1,
        domain="ads",
        props=svc_props("grpc://ads-decision.ads.svc:8443", 80, 9_000, 36, runtime="java/spring"),
    )
    service(
        "bid-optimizer-svc",
        "Bid shading for first-price deals.",
        owners_=own("team-ads-ml", sre),
        tags=t1,
        domain="ads",
        props=svc_props("grpc://bid-opt.ads.svc:8443", 10, 9_000, 8),
    )
    service(
        "audience-builder-svc",
        "Internal tool for ad sales: builds lookalike audiences "
        "from advertiser seeds. Batch-ish, minutes per request.",
        owners_=own("team-ads-ml"),
        tags=("production", "internal", "tier-3"),
        domain="ads",
        props=svc_props("https://audiences.internal.streamly.example", 600_000, 1, 2, tier="tier-3"),
    )
    service(
        "checkout-api",
        "Signup and plan-change checkout.",
        owners_=own("team-edge-platform", sre),
        tags=t1,
        domain="platform",
        props=svc_props("https://api.streamly.example/v2/checkout", 800, 600, 12, runtime="java/spring"),
    )
    service(
        "payment-risk-svc",
        """
        Scores payments in checkout and renewals. payment_risk@3 decides; @2 runs in shadow
        and its scores are only logged. Fails open (approve) after 150 ms.""",
        owners_=own("team-fraud-risk", "aisha.rahman:owner", sre),
        tags=t1,
        domain="fraud",
        props=svc_props("grpc://payment-risk.fraud.svc:8443", 90, 600, 8, fail_mode="open"),
    )
    service(
        "auth-api",
        "Login, token refresh, TV code pairing.",
        owners_=own("team-edge-platform", "nora.lindqvist:oncall"),
        tags=t1,
        domain="platform",
        props=svc_props("https://api.streamly.example/v2/auth", 200, 7_000, 20, runtime="go"),
    )
    service(
        "login-risk-svc",
        "ATO risk at login; high risk -> magic-link challenge.",
        owners_=own("team-fraud-risk", sre),
        tags=t1,
        domain="fraud",
        props=svc_props("grpc://login-risk.fraud.svc:8443", 50, 7_000, 8, fail_mode="open"),
    )
    service(
        "account-sharing-svc",
        "Scores accounts for the 'add an extra member' nudge at playback start. Never blocks.",
        owners_=own("team-fraud-risk", "team-growth-ml"),
        tags=t2,
        domain="fraud",
        props=svc_props("grpc://sharing.fraud.svc:8443", 30, 35_000, 12, tier="tier-2"),
    )
    service(
        "account-api",
        "Account settings, plan changes, cancellation flow.",
        owners_=own("team-edge-platform"),
        tags=t1,
        domain="platform",
        props=svc_props("https://api.streamly.example/v2/account", 300, 2_000, 10, runtime="go"),
    )
    service(
        "retention-offers-svc",
        "Decides whether the cancel flow shows a save offer. "
        "Uses churn + LTV scores under the offer policy (max 1 offer / 12 months).",
        owners_=own("team-growth-ml", "hannah.kim:owner"),
        tags=t2,
        domain="growth",
        props=svc_props("grpc://retention.growth.svc:8443", 100, 40, 4, tier="tier-2"),
    )
    service(
        "push-scheduler-svc",
        "Schedules lifecycle pushes per profile's best hour.",
        owners_=own("team-growth-ml"),
        tags=t2,
        domain="growth",
        props=svc_props("grpc://push-sched.growth.svc:8443", 500, 2_500, 6, tier="tier-2"),
    )
    service(
        "moderation-queue-svc",
        "Moderator review queue: triage ordering and toxicity flags for profile/list names.",
        owners_=own("team-trust-safety", "kenji.watanabe:owner"),
        tags=t2,
        domain="trust-safety",
        props=svc_props("https://modq.internal.streamly.example", 500, 50, 3, tier="tier-2"),
    )
    service(
        "content-screening-svc",
        "Screens incoming title frames and artwork (NSFW, quality) before they go live in the catalogue.",
        owners_=own("team-trust-safety", "team-content-intel"),
        tags=t2,
        domain="trust-safety",
        props=svc_props(
            "grpc://screening.tns.svc:8443", 2_000, 200, 6, tier="tier-2", runtime="triton", gpu="T4"
        ),
    )
    service(
        "content-insights-api",
        "Internal API for content strategy: demand forecasts for titles under negotiation.",
        owners_=own("team-content-intel"),
        tags=("production", "internal", "tier-3"),
        domain="content",
        props=svc_props("https://content-insights.internal.streamly.example", 5_000, 2, 2, tier="tier-3"),
    )

    calls(
        "web-edge-gateway",
        "home-feed-api",
        "title-details-api",
        "search-api",
        "playback-api",
        "checkout-api",
        "auth-api",
        "account-api",
    )
    calls(
        "home-feed-api",
        "home-ranking-svc",
        "home-ranking-edge-svc",
        "candidate-retrieval-svc",
        "row-selector-svc",
        "continue-watching-svc",
        "because-you-watched-svc",
        "coldstart-svc",
        "trending-svc",
        "artwork-svc",
    )
    calls("title-details-api", "artwork-svc", "because-you-watched-svc")
    calls("search-api", "query-understanding-svc", "search-ranking-svc", "autocomplete-svc", "spell-svc")
    calls("playback-api", "ad-insertion-svc", "account-sharing-svc")
    calls("ad-insertion-svc", "ads-decision-svc")
    calls("ads-decision-svc", "bid-optimizer-svc")
    calls("checkout-api", "payment-risk-svc")
    calls("auth-api", "login-risk-svc")
    calls("account-api", "retention-offers-svc")

    serves("home-ranking-svc", "recs.home_ranker@4", first_seen="2024-10-08")
    serves("home-ranking-svc", "recs.home_ranker@3", first_seen="2024-07-09")
    serves("home-ranking-edge-svc", "recs.home_ranker_distilled@1")
    serves("candidate-retrieval-svc", "recs.candidate_two_tower@3")
    serves("row-selector-svc", "recs.row_selector@2")
    serves("continue-watching-svc", "recs.continue_watching@2", first_seen="2023-09-05")
    serves("because-you-watched-svc", "recs.because_you_watched@2")
    serves("coldstart-svc", "recs.new_user_coldstart@1", "recs.new_user_coldstart@2")
    serves("trending-svc", "recs.trending_now@1")
    serves("artwork-svc", "recs.artwork_personalizer@2")
    serves("query-understanding-svc", "search.query_understanding@3", "search.semantic_encoder@2")
    serves("search-ranking-svc", "search.ltr_ranker@3")
    serves("autocomplete-svc", "search.autocomplete@2")
    serves("spell-svc", "search.spell_corrector@1")
    serves("ads-decision-svc", "ads.ctr_predictor@3", "ads.conversion_predictor@2", "ads.frequency_cap@1")
    serves("bid-optimizer-svc", "ads.bid_shading@2")
    serves("audience-builder-svc", "ads.audience_lookalike@2")
    serves("payment-risk-svc", "fraud.payment_risk@3", "fraud.payment_risk@2")
    serves("login-risk-svc", "fraud.account_takeover@2")
    serves("account-sharing-svc", "fraud.credential_sharing@2")
    serves("retention-offers-svc", "growth.churn_predictor@3", "growth.ltv_model@2")
    serves("push-scheduler-svc", "growth.push_send_time@2")
    serves("moderation-queue-svc", "ts.report_triage@1", "ts.profile_name_toxicity@2")
    serves("content-screening-svc", "ts.nsfw_frame_classifier@2", "content.thumbnail_quality@2")
    serves("content-insights-api", "content.title_demand_forecast@3")


# -- experiments.yaml ------------------------------------------------------------------


def build_experiments() -> None:
    f = "experiments.yaml"

    def exp(
        eid,
        desc,
        *,
        tests,
        team,
        status,
        start,
        end=None,
        alloc,
        metric,
        result=None,
        decision=None,
        tags=(),
        domain,
        extra=None,
    ):
        props = {
            "platform": "abacus",
            "status": status,
            "start": start,
            "allocation": alloc,
            "primary_metric": metric,
        }
        if end:
            props["end"] = end
        if result:
            props["result"] = result
        if decision:
            props["decision"] = decision
        props.update(extra or {})
        add(
            f,
            f"experiment:{eid}",
            desc,
            tests=tests,
            tags=tags,
            domain=domain,
            props=props,
            ns="abacus://streamly/prod",
            owners_=own(team, "team-experimentation:platform"),
            created=f"{start} 09:00",
        )

    exp(
        "exp-2024-024-row-selector-v2",
        "Contextual bandit row selection with profile context vs @1.",
        tests=M("recs.row_selector@2") + S("row-selector-svc"),
        team="team-recs-ranking",
        status="shipped",
        start="2024-04-22",
        end="2024-05-13",
        alloc="10% / 10%",
        metric="streaming_hours_per_member",
        result="+0.31% (p=0.02)",
        decision="ship",
        domain="recommendations",
    )
    exp(
        "exp-2024-041-two-tower-v2",
        "Mixed negatives for retrieval. Readout needed an extra week: novelty effect on the first days.",
        tests=M("recs.candidate_two_tower@2"),
        team="team-recs-candidates",
        status="shipped",
        start="2024-06-03",
        end="2024-07-01",
        alloc="5% / 5%",
        metric="plays_from_home_per_member",
        result="+0.8% (p<0.01)",
        decision="ship",
        domain="recommendations",
    )
    exp(
        "exp-2024-031-ranker-v3",
        """
        home_ranker@3 vs @2. Guardrails: kids-profile plays, startup latency. Ranker p99 +6 ms,
        within budget.""",
        tests=M("recs.home_ranker@3", "recs.home_ranker@2") + S("home-ranking-svc"),
        team="team-recs-ranking",
        status="shipped",
        start="2024-07-09",
        end="2024-08-06",
        alloc="10% / 10%",
        metric="streaming_hours_per_member",
        result="+0.42% (p=0.003)",
        decision="ship",
        domain="recommendations",
        tags=("tier-1",),
    )
    exp(
        "exp-2024-047-ranker-v4-apac",
        """
        APAC fine-tune @4 vs @3, all regions, stratified readout for APAC. Ramped to 100%
        2024-10-08 after APAC +1.9% hours.""",
        tests=M("recs.home_ranker@4", "recs.home_ranker@3") + S("home-ranking-svc"),
        team="team-recs-ranking",
        status="shipped",
        start="2024-09-16",
        end="2024-10-07",
        alloc="20% / 20%",
        metric="streaming_hours_per_member",
        result="+0.24% global, +1.9% APAC",
        decision="ship",
        domain="recommendations",
        tags=("tier-1",),
    )
    exp(
        "exp-2024-058-distilled-ranker-tv",
        "Distilled ranker on TVs vs full ranker with "
        "a 120 ms timeout. Measures whether latency wins beat ranking quality.",
        tests=M("recs.home_ranker_distilled@1") + S("home-ranking-edge-svc", "home-feed-api"),
        team="team-recs-ranking",
        status="running",
        start="2024-09-23",
        alloc="15% of TV",
        metric="home_page_abandon_rate",
        domain="recommendations",
    )
    exp(
        "exp-2024-009-cw-row-position",
        "Continue Watching row at position 1 vs 2 on mobile.",
        tests=S("continue-watching-svc", "home-feed-api"),
        team="team-recs-ranking",
        status="shipped",
        start="2024-01-22",
        end="2024-02-12",
        alloc="50/50 mobile",
        metric="resume_rate",
        result="+2.1% resume, -0.1% discovery plays",
        decision="ship (mobile only)",
        domain="recommendations",
    )
    exp(
        "exp-2024-012-artwork-v2",
        "Artwork personaliser v2 (image encoder features).",
        tests=M("recs.artwork_personalizer@2"),
        team="team-recs-ranking",
        status="shipped",
        start="2024-05-13",
        end="2024-06-10",
        alloc="10% / 10%",
        metric="title_take_rate",
        result="+1.2% take rate",
        decision="ship",
        domain="recommendations",
    )
    exp(
        "exp-2024-055-coldstart-v2",
        "Cold-start v2 for new profiles; waiting on d28 retention.",
        tests=M("recs.new_user_coldstart@2") + S("coldstart-svc"),
        team="team-recs-candidates",
        status="running",
        start="2024-06-17",
        alloc="20% of new",
        metric="d28_retention",
        domain="recommendations",
        tags=("experimental",),
    )
    exp(
        "exp-2024-066-byw-v2",
        "Embedding-based BYW rows vs co-watch lookup.",
        tests=M("recs.because_you_watched@2"),
        team="team-recs-candidates",
        status="shipped",
        start="2024-08-05",
        end="2024-08-26",
        alloc="10% / 10%",
        metric="plays_from_byw_rows",
        result="+4.8%",
        decision="ship",
        domain="recommendations",
    )
    exp(
        "exp-2024-018-search-qu-v3",
        "QU v3 (text encoder) vs v2.",
        tests=M("search.query_understanding@3") + S("query-understanding-svc"),
        team="team-search-relevance",
        status="shipped",
        start="2024-06-03",
        end="2024-06-24",
        alloc="10% / 10%",
        metric="search_success_rate",
        result="+1.1% (mood queries +6%)",
        decision="ship",
        domain="search",
    )
    exp(
        "exp-2024-022-autocomplete-v2",
        "Personalised autocomplete.",
        tests=M("search.autocomplete@2") + S("autocomplete-svc"),
        team="team-search-relevance",
        status="shipped",
        start="2024-03-11",
        end="2024-04-01",
        alloc="10% / 10%",
        metric="keystrokes_to_play",
        result="-7.5%",
        decision="ship",
        domain="search",
    )
    exp(
        "exp-2024-040-spell-v2",
        """
        Seq2seq speller vs symspell. Stopped early: person-name queries got 'corrected' into
        titles. Lesson: offline acc wasn't measuring that.""",
        tests=M("search.spell_corrector@2") + S("spell-svc"),
        team="team-search-relevance",
        status="stopped",
        start="2024-04-08",
        end="2024-04-15",
        alloc="5% / 5%",
        metric="search_success_rate",
        result="-0.9% (p=0.01)",
        decision="do not ship",
        domain="search",
    )
    exp(
        "exp-2024-062-semantic-search",
        "Semantic retrieval as a second candidate source for descriptive queries.",
        tests=M("search.semantic_encoder@2") + S("search-api"),
        team="team-search-relevance",
        status="running",
        start="2024-09-09",
        alloc="10% / 10%",
        metric="search_success_rate",
        domain="search",
    )
    exp(
        "exp-2024-015-ads-ctr-v3",
        "ctr_predictor@3 vs @2 in the ad auction.",
        tests=M("ads.ctr_predictor@3", "ads.ctr_predictor@2") + S("ads-decision-svc"),
        team="team-ads-ml",
        status="shipped",
        start="2024-08-12",
        end="2024-09-02",
        alloc="10% / 10% of ad requests",
        metric="revenue_per_mille",
        result="+2.3% RPM, completion rate flat",
        decision="ship",
        domain="ads",
    )
    exp(
        "exp-2024-036-bid-shading-v2",
        "Learned bid shading.",
        tests=M("ads.bid_shading@2") + S("bid-optimizer-svc"),
        team="team-ads-ml",
        status="shipped",
        start="2024-06-10",
        end="2024-07-01",
        alloc="50/50 by deal",
        metric="advertiser_surplus",
        result="-6.1% spend at equal delivery",
        decision="ship",
        domain="ads",
    )
    exp(
        "exp-2024-051-payment-risk-v3",
        """
        payment_risk@3 live vs @2 (shadow mode first week, then 50/50). Guardrail: approval rate
        of good customers.""",
        tests=M("fraud.payment_risk@3", "fraud.payment_risk@2") + S("payment-risk-svc"),
        team="team-fraud-risk",
        status="shipped",
        start="2024-07-29",
        end="2024-08-26",
        alloc="50/50",
        metric="fraud_loss_bps",
        result="-18% fraud loss, approvals -0.02pt",
        decision="ship",
        domain="fraud",
        tags=("tier-1",),
    )
    exp(
        "exp-2024-028-ato-v2",
        "ATO v2 challenge threshold at 0.8.",
        tests=M("fraud.account_takeover@2") + S("login-risk-svc"),
        team="team-fraud-risk",
        status="shipped",
        start="2024-05-20",
        end="2024-06-17",
        alloc="50/50",
        metric="confirmed_ato_per_1k",
        result="-31% ATO, +0.4% login friction",
        decision="ship",
        domain="fraud",
    )
    exp(
        "exp-2024-060-sharing-nudge",
        """
        'Add an extra member' nudge driven by credential_sharing@2, three copy variants.
        Growth owns the metric, fraud owns the model.""",
        tests=M("fraud.credential_sharing@2") + S("account-sharing-svc", "playback-api"),
        team="team-growth-ml",
        status="running",
        start="2024-09-02",
        alloc="4 arms x 5%",
        metric="extra_member_adds",
        domain="growth",
        tags=("gdpr",),
    )
    exp(
        "exp-2024-033-churn-save-offer",
        "Save offer in cancel flow for high churn-risk, high-LTV accounts.",
        tests=M("growth.churn_predictor@3", "growth.ltv_model@2") + S("retention-offers-svc"),
        team="team-growth-ml",
        status="shipped",
        start="2024-07-01",
        end="2024-08-12",
        alloc="50/50 of cancel-flow entrants",
        metric="d60_retention",
        result="+3.4pt among eligible",
        decision="ship",
        domain="growth",
    )
    exp(
        "exp-2024-044-push-send-time-v2",
        "Model-chosen send hour vs fixed 18:00 local.",
        tests=M("growth.push_send_time@2") + S("push-scheduler-svc"),
        team="team-growth-ml",
        status="running",
        start="2024-08-26",
        alloc="10% / 10%",
        metric="push_open_rate",
        domain="growth",
    )
    exp(
        "exp-2024-019-thumbnail-quality-gate",
        "Auto-reject low-quality artwork vs manual "
        "review only. Ops throughput experiment, not member-facing.",
        tests=M("content.thumbnail_quality@2") + S("content-screening-svc"),
        team="team-content-intel",
        status="shipped",
        start="2024-04-01",
        end="2024-04-29",
        alloc="50/50 of incoming titles",
        metric="artwork_review_hours",
        result="-44% review hours, 2% false rejects",
        decision="ship",
        domain="content",
    )


# -- derived reads, checks, output -----------------------------------------------------


def fill_auto_reads() -> None:
    produced: dict[str, list[str]] = defaultdict(list)
    for aid, rec in assets.items():
        for wf in rec.get("produced_by", ()):
            produced[wf].append(aid)
    for wf in sorted(auto_reads):
        outputs = set(produced[wf])
        inputs: list[str] = []
        for aid in produced[wf]:
            rec = assets[aid]
            for rtype in ("computed_from", "derived_from", "trained_on"):
                inputs.extend(t for t in rec.get(rtype, ()) if t not in outputs)
        reads = list(assets[wf].get("reads", ())) + sorted(set(inputs))
        assets[wf]["reads"] = list(dict.fromkeys(reads))


# an asset cannot be older than what it was built from, trained on, evaluates, ...
CHRONO_TYPES = (
    "derived_from",
    "computed_from",
    "trained_on",
    "uses_feature",
    "based_on",
    "evaluates",
    "evaluated_on",
    "produced_by",
    "tests",
)


def fix_chronology() -> list[str]:
    """Move random created_at dates earlier where they would post-date a dependent asset.
    Returns the conflicts between hand-written dates (there should be none)."""
    fmt = "%Y-%m-%dT%H:%M:%SZ"
    dependents: dict[str, list[str]] = defaultdict(list)
    depends_on: dict[str, list[str]] = defaultdict(list)
    indeg = {a: 0 for a in assets}
    for src, dst, rtype in all_edges():
        if rtype in CHRONO_TYPES:
            dependents[dst].append(src)
            depends_on[src].append(dst)
            indeg[dst] += 1
    order, stack = [], sorted(a for a, d in indeg.items() if d == 0)
    while stack:  # dependents before what they depend on
        v = stack.pop()
        order.append(v)
        for dst in depends_on[v]:
            indeg[dst] -= 1
            if indeg[dst] == 0:
                stack.append(dst)
    conflicts = []
    for aid in order:
        rec = assets[aid]
        if not dependents[aid] or "created_at" not in rec:
            continue
        bound = min(
            datetime.strptime(assets[d]["created_at"], fmt)
            for d in dependents[aid]
            if "created_at" in assets[d]
        )
        mine = datetime.strptime(rec["created_at"], fmt)
        if mine <= bound:
            continue
        if aid in GENERATED_DATES:
            earlier = bound - timedelta(days=RNG.randint(3, 40), hours=RNG.randint(0, 6))
            rec["created_at"] = earlier.strftime(fmt)
        else:
            conflicts.append(f"{aid} ({rec['created_at']}) is newer than a dependent ({bound:%Y-%m-%d})")
    return conflicts


def all_edges() -> list[tuple[str, str, str]]:
    edges = []
    for aid, rec in assets.items():
        for rtype in REL_ORDER:
            for t in rec.get(rtype, ()):
                edges.append((aid, t, rtype))
    for rels in relations.values():
        for r in rels:
            edges.append((r["from"], r["to"], r["type"]))
    return edges


def kind_of(aid: str) -> str:
    return assets[aid]["kind"]


def bfs(adj: dict[str, list[str]], start: str) -> dict[str, int]:
    dist = {start: 0}
    queue = deque([start])
    while queue:
        v = queue.popleft()
        for w in adj.get(v, ()):
            if w not in dist:
                dist[w] = dist[v] + 1
                queue.append(w)
    return dist


CHAIN = [
    "service:web-edge-gateway",
    "service:home-feed-api",
    "service:home-ranking-svc",
    "model:recs.home_ranker@4",
    "model:recs.home_ranker@3",
    "dataset:recs.training_examples@2024.06",
    "workflow:airflow.recs_training_examples",
    "dataset:recs.labeled_impressions",
    "dataset:core.impression_outcomes",
    "dataset:core.impressions_sessionized",
    "dataset:staging.ui_impressions_bot_filtered",
    "dataset:staging.ui_impressions_dedup",
    "dataset:staging.ui_impressions_parsed",
    "dataset:raw.ui_impressions",
]
UNOWNED = [
    "dataset:scratch.ctr_backfill_tmp_2023q3",
    "model:fraud.chargeback_gbm_legacy@1",
    "workflow:cron.legacy_watch_history_export",
]


def check() -> dict:
    problems: list[str] = []
    owner_ids = {o["id"] for o in owners}
    assert len(owner_ids) == len(owners), "duplicate owner id"
    for aid, rec in assets.items():
        for o in rec.get("owners", ()):
            oid = o if isinstance(o, str) else o["id"]
            if oid not in owner_ids:
                problems.append(f"{aid}: unknown owner {oid}")
    edges = all_edges()
    keys = set()
    for src, dst, rtype in edges:
        if (src, dst, rtype) in keys:
            problems.append(f"duplicate relation {src} -{rtype}-> {dst}")
        keys.add((src, dst, rtype))
        for end in (src, dst):
            if end not in assets:
                problems.append(f"{src} -{rtype}-> {dst}: unknown asset {end}")
        if src in assets and dst in assets and (kind_of(src), kind_of(dst)) not in RELATION_RULES[rtype]:
            problems.append(f"{src} -{rtype}-> {dst}: not allowed for these kinds")
    if problems:
        raise SystemExit("estate is invalid:\n  " + "\n  ".join(problems[:40]))

    up: dict[str, list[str]] = defaultdict(list)
    down: dict[str, list[str]] = defaultdict(list)
    for src, dst, _ in edges:
        up[src].append(dst)
        down[dst].append(src)
    cycle = find_cycle([s for s, _, _ in edges], [d for _, d, _ in edges])
    if cycle:
        raise SystemExit("estate has a lineage cycle: " + " -> ".join(cycle + cycle[:1]))

    # landmarks
    edge_set = {(s, d) for s, d, _ in edges}
    for a, b in zip(CHAIN, CHAIN[1:]):
        assert (a, b) in edge_set, f"chain broken at {a} -> {b}"
    shortest = bfs(up, CHAIN[0])[CHAIN[-1]]
    assert shortest >= 12, f"chain ends are only {shortest} hops apart"
    assert not up.get(CHAIN[-1]), "chain bottom must be a raw source"
    hub_models = {d for d in bfs(down, "dataset:raw.playback_events") if kind_of(d) == "model"}
    assert len(hub_models) >= 30, len(hub_models)
    for aid in UNOWNED:
        assert "owners" not in assets[aid], aid
    dep, mdl = "dataset:legacy.watch_history_v1", "model:recs.continue_watching@2"
    assert "deprecated" in assets[dep]["tags"] and "tier-1" in assets[mdl]["tags"]
    assert ("service:continue-watching-svc", mdl) in edge_set and (mdl, dep) in edge_set
    used = {r for _, _, r in edges}
    assert used == set(RELATION_RULES), set(RELATION_RULES) - used
    by_kind: dict[str, int] = defaultdict(int)
    for rec in assets.values():
        by_kind[rec["kind"]] += 1
    by_type: dict[str, int] = defaultdict(int)
    for _, _, r in edges:
        by_type[r] += 1
    assert set(by_kind) == set(KINDS)
    assert len(assets) >= 400 and len(edges) >= 1000, (len(assets), len(edges))
    return {
        "assets": len(assets),
        "relations": len(edges),
        "owners": len(owners),
        "by_kind": dict(by_kind),
        "by_type": dict(by_type),
        "chain_shortest": shortest,
        "hub_models": len(hub_models),
    }


class _Dumper(yaml.SafeDumper):
    """Block style for records, flow style for tags and small flat mappings, folded
    descriptions, no anchors/aliases."""

    def ignore_aliases(self, data) -> bool:
        return True


def _is_scalar(v) -> bool:
    return isinstance(v, str | int | float | bool) or v is None


def _repr_list(dumper, data):
    flow = (
        all(_is_scalar(x) for x in data)
        and not any(":" in str(x) for x in data)
        and sum(len(str(x)) + 2 for x in data) < 90
    )
    flow = flow or all(isinstance(x, dict) and "id" in x and "role" in x for x in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


def _repr_dict(dumper, data):
    flow = (
        all(map(_is_scalar, data.values()))
        and "description" not in data
        and sum(len(f"{k}: {v}") + 2 for k, v in data.items()) < 150
    )
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=flow)


def _repr_str(dumper, data):
    if len(data) > 90 and "\n" not in data:
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=">")
    return dumper.represent_str(data)


_Dumper.add_representer(list, _repr_list)
_Dumper.add_representer(dict, _repr_dict)
_Dumper.add_representer(str, _repr_str)


def write(out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    by_file: dict[str, list[dict]] = defaultdict(list)
    for aid, rec in assets.items():
        by_file[asset_file[aid]].append(rec)
    names = ["owners.yaml", *FILE_DOMAIN]
    written = []
    for old in out_dir.glob("*.yaml"):
        if old.name not in names:
            old.unlink()
    for name in names:
        doc: dict = {}
        if name == "owners.yaml":
            doc["owners"] = owners
        if by_file.get(name):
            doc["assets"] = by_file[name]
        if relations.get(name):
            doc["relations"] = relations[name]
        body = yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
        header = (
            f"# {FILE_HEADER[name]}\n"
            "# Generated by sample_data/build_estate.py - edit the script, not this file.\n"
        )
        path = out_dir / name
        path.write_text(header + body, encoding="utf-8")
        written.append(path)
    return written


def build() -> None:
    build_owners()
    build_raw()
    build_core()
    build_recs()
    build_search()
    build_ads()
    build_fraud()
    build_content()
    build_growth()
    build_trust_safety()
    build_ml_platform()
    build_services()
    build_experiments()
    fill_auto_reads()
    conflicts = fix_chronology()
    if conflicts:
        raise SystemExit("created_at conflicts:\n  " + "\n  ".join(conflicts))


def main(argv: list[str]) -> int:
    out_dir = Path(argv[1]) if len(argv) > 1 else OUT_DIR
    build()
    summary = check()
    files = write(out_dir)
    print(
        f"wrote {len(files)} files to {out_dir}: {summary['assets']} assets, "
        f"{summary['relations']} relations, {summary['owners']} owners"
    )
    print("  by kind: " + ", ".join(f"{k} {v}" for k, v in sorted(summary["by_kind"].items())))
    print("  by type: " + ", ".join(f"{k} {v}" for k, v in sorted(summary["by_type"].items())))
    print(
        f"  chain gateway -> raw.ui_impressions: {len(CHAIN) - 1} hops "
        f"(shortest {summary['chain_shortest']}); models downstream of "
        f"raw.playback_events: {summary['hub_models']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
