"""Benchmark of the materials library: search over 10,000 documents, and the throughput of a 50 MB upload
and download through the platform against a plain Flask app.

1. Search (in-process, the service the library page calls): builds 10,000 materials (`--documents`), each
   with a title, tags, a description and ~400 words of "extracted text" drawn from a Spanish, English and
   Portuguese vocabulary with accents, at mixed access levels, in a fresh database (a temporary SQLite file,
   or `--database URL`, an EMPTY database whose tables are dropped afterwards). It times `--queries`
   searches (a page of 20 results and its count) as a network member and as someone signed out: common,
   rare, two-word, unaccented and prefix queries. Baseline in the same run: the bare full-text lookup of
   the same words (the FTS5 MATCH, or the tsvector @@ on PostgreSQL) counting every match, with no access
   rule, ranking, join or page; and the index's own ranked top 20 (bm25 or ts_rank, no access rule).
2. Throughput (real servers, gunicorn with one sync worker each, on a temporary SQLite database): a
   Secretariat account uploads a 50 MB PDF (`--megabytes`) through the upload form (sniffing, checksum,
   storage, the material's rows; its text is left to the indexing job) and downloads it through the
   permalink (authorisation, streaming); baseline: a plain Flask app that saves the same multipart upload
   with `FileStorage.save` and serves it with `send_file`. Median of `--transfers` runs each, in MB/s.

Usage: `python bench/bench_materials.py [--documents 10000] [--queries 200] [--database URL]
[--megabytes 50] [--transfers 5] [--skip-search | --skip-throughput]`.
"""

import argparse
import os
import random
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.servers import free_port, wait_until_up  # noqa: E402

WORDS = (  # noqa: SIM905 - a paragraph of words reads better than 100 quoted strings
    "puerto comunidad logística cadena gestión aduana buque atraque contenedor terminal sincronización "
    "ventanilla única comercio exterior digitalización interoperabilidad gobernanza indicador índice "
    "competitividad productividad infraestructura corredor inversión tecnología innovación seguridad "
    "marítima mujeres género capacitación formación diagnóstico estratégico taller encuentro regional "
    "recomendación política pública normativa concesión asociación público privada sostenibilidad "
    "ambiental eficiencia tiempo espera permanencia camión inspección liberación autoridad portuária "
    "navio operação comércio exterior gestão cadeia logística porto comunidade governança ação "
    "port community logistics chain management customs vessel berth container terminal synchronisation "
    "single window trade digitalisation governance indicator competitiveness productivity corridor "
    "investment technology innovation security maritime women training diagnosis workshop meeting"
).split()
RARE = ["zanzíbar", "quilómetro", "ñandutí", "açaí", "xilófono"]
RARE_SHARE = 0.01  # documents holding one rare word
QUERIES = [
    "puerto",
    "sincronizacion",
    "gestion aduana",
    "zanzibar",
    "competitiv",
    "ventanilla unica comercio",
]
LEVELS = ("public", "public", "members", "one_community")
PDF_MIME = "application/pdf"


SYLLABLES = ("ca", "lo", "tré", "mi", "sa", "pu", "ño", "de", "ra", "ti", "go", "ção", "ver", "an", "el")
FILLER = sorted({"".join(random.Random(n).choices(SYLLABLES, k=3 + n % 2)) for n in range(8000)})
DOMAIN_SHARE = 0.1  # a tenth of a document's words come from WORDS: each is in about a third of the documents


def _text(rng: random.Random, words: int) -> str:
    domain = round(words * DOMAIN_SHARE)
    chosen = rng.choices(WORDS, k=domain) + rng.choices(FILLER, k=words - domain)
    if rng.random() < RARE_SHARE:
        chosen[rng.randrange(words)] = rng.choice(RARE)
    rng.shuffle(chosen)
    return " ".join(chosen)


def populate(documents: int) -> None:
    """Insert the materials, their variants and their search text in bulk (the FTS5 triggers or one
    tsvector UPDATE fill the index)."""
    from ports_network.extensions import db
    from ports_network.models import Country, Material, MaterialText, MaterialVariant, PortCommunity
    from ports_network.services.material_text import normalise

    rng = random.Random(2014)
    country = Country(alpha2="PE", alpha3="PER")
    community = PortCommunity(slug="callao", name="Callao", country=country, phase="I")
    db.session.add(community)
    db.session.flush()
    start = date(2014, 1, 1)
    materials, variants, texts = [], [], []
    for n in range(1, documents + 1):
        level = LEVELS[n % len(LEVELS)]
        title = _text(rng, 6)
        materials.append(
            {
                "id": n,
                "kind": "study",
                "access": level,
                "access_community_id": community.id if level == "one_community" else None,
                "issued_on": start + timedelta(days=n % 4000),
                "authors": [],
                "tags": rng.sample(WORDS, 3),
            }
        )
        variants.append(
            {"id": n, "material_id": n, "language": "es", "title": title, "text_status": "indexed"}
        )
        texts.append(
            {
                "variant_id": n,
                "heading": normalise(title),
                "summary": normalise(_text(rng, 30)),
                "content": normalise(_text(rng, 400)),
            }
        )
    for model, rows in ((Material, materials), (MaterialVariant, variants), (MaterialText, texts)):
        for chunk in range(0, len(rows), 2000):
            db.session.execute(sa.insert(model), rows[chunk : chunk + 2000])
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.update(MaterialText).values(**_tsvectors_of_columns()))
    db.session.commit()
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text("ANALYZE"))


def _tsvectors_of_columns() -> dict[str, sa.ColumnElement]:
    """The two PostgreSQL vectors of every row at once, as material_text.store_text computes them."""
    from ports_network.models import MaterialText
    from ports_network.services.material_text import SIMPLE_CONFIG

    def vector(column: sa.ColumnElement) -> sa.ColumnElement:
        return sa.func.to_tsvector(SIMPLE_CONFIG, column)

    words = vector(MaterialText.heading).op("||")(vector(MaterialText.summary))
    heading = sa.func.setweight(vector(MaterialText.heading), sa.literal_column("'A'"))
    summary = sa.func.setweight(vector(MaterialText.summary), sa.literal_column("'B'"))
    return {
        "tsv": sa.func.strip(words.op("||")(vector(MaterialText.content))),
        "rank_tsv": heading.op("||")(summary),
    }


def bare_lookup(words: list[str]) -> int:
    """The baseline: how many variants the full-text index matches, nothing else."""
    from ports_network.extensions import db

    if db.session.get_bind().dialect.name == "postgresql":
        query = " & ".join(f"{word}:*" for word in words)
        sql = "SELECT count(*) FROM material_text WHERE tsv @@ to_tsquery('simple'::regconfig, :q)"
        db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))  # through the GIN index, as search does
    else:
        query = " AND ".join(f'"{word}"*' for word in words)
        sql = "SELECT count(*) FROM material_fts WHERE material_fts MATCH :q"
    return db.session.execute(sa.text(sql), {"q": query}).scalar_one()


def bare_ranked(words: list[str]) -> list:
    """The second baseline: the index's own 20 best variants, ranked as the platform ranks them, with no
    access rule, filter, grouping by material or loading of the page."""
    from ports_network.extensions import db

    if db.session.get_bind().dialect.name == "postgresql":
        query = " & ".join(f"{word}:*" for word in words)
        sql = (
            "SELECT variant_id FROM material_text, to_tsquery('simple'::regconfig, :q) AS q "
            "WHERE tsv @@ q ORDER BY ts_rank(rank_tsv, q) DESC LIMIT 20"
        )
        db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))
    else:
        query = " AND ".join(f'"{word}"*' for word in words)
        sql = (
            "SELECT rowid FROM material_fts WHERE material_fts MATCH :q "
            "ORDER BY bm25(material_fts, 10.0, 4.0, 1.0) LIMIT 20"
        )
    return db.session.execute(sa.text(sql), {"q": query}).all()


def timed(function: Callable[[], object], runs: int) -> list[float]:
    """Milliseconds of each run, after one warm-up."""
    function()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return times


def summary(name: str, times: list[float]) -> float:
    """Print median and p95; return the median."""
    median = statistics.median(times)
    p95 = statistics.quantiles(times, n=20)[18] if len(times) >= 20 else max(times)  # noqa: PLR2004
    print(f"  {name:<44} median {median:8.2f} ms   p95 {p95:8.2f} ms")
    return median


def bench_search(args: argparse.Namespace, folder: Path) -> None:
    """Part 1: the library's search over `--documents` materials."""
    from ports_network import create_app
    from ports_network.extensions import db
    from ports_network.models import CommunityRole, Membership, Organisation, PortCommunity, User
    from ports_network.services import material_search
    from ports_network.services.material_text import query_words

    url = args.database or f"sqlite:///{folder / 'search.sqlite3'}"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        db.create_all()
        started = time.perf_counter()
        populate(args.documents)
        community = db.session.scalars(sa.select(PortCommunity)).one()
        organisation = Organisation(
            name="APN", country_id=community.country_id, stakeholder_type="port_authority", sector="public"
        )
        member = User(email="m@example.org", name="Member", password_hash="x", preferred_locale="es")
        db.session.add(
            Membership(user=member, community=community, organisation=organisation, role=CommunityRole.MEMBER)
        )
        db.session.commit()
        built = time.perf_counter() - started
        print(f"Search over {args.documents:,} materials ({db.engine.dialect.name}); built in {built:.1f} s")
        per_query = max(1, args.queries // len(QUERIES))
        results = {"member": [], "anonymous": [], "bare": [], "ranked": []}
        for text in QUERIES:
            words = query_words(text)
            query = material_search.LibraryQuery(words=text)
            hits = material_search.search(member, query).total
            results["member"] += timed(lambda q=query: material_search.search(member, q).items, per_query)
            results["anonymous"] += timed(lambda q=query: material_search.search(None, q).items, per_query)
            results["bare"] += timed(lambda w=words: bare_lookup(w), per_query)
            results["ranked"] += timed(lambda w=words: bare_ranked(w), per_query)
            print(f"  query {text!r}: {hits:,} materials a member sees, {bare_lookup(words):,} index matches")
        member_ms = summary("platform search, a network member", results["member"])
        summary("platform search, signed out", results["anonymous"])
        bare_ms = summary("baseline: bare full-text lookup (count)", results["bare"])
        ranked_ms = summary("baseline: bare ranked top 20 of the index", results["ranked"])
        print(f"  ratio platform search / bare lookup: {member_ms / bare_ms:.1f}x")
        print(f"  ratio platform search / bare ranked top 20: {member_ms / ranked_ms:.1f}x")
        db.session.remove()
        if args.database:
            db.drop_all()
        db.engine.dispose()


# --- part 2: throughput -------------------------------------------------------------------------------

PLAIN_APP = '''
"""A plain Flask app: saves one multipart upload to disk and serves it back with send_file."""
import os
from flask import Flask, request, send_file

app = Flask(__name__)
PATH = os.environ["PLAIN_FILE"]


@app.post("/upload")
def upload():
    request.files["file"].save(PATH)
    return "ok"


@app.get("/file")
def download():
    return send_file(PATH, mimetype="application/pdf", as_attachment=True)
'''


def big_pdf(megabytes: int) -> bytes:
    """A valid PDF of about `megabytes` MB: one page of text and a large stream of random bytes."""
    from ports_network.services.material_seed import simple_pdf

    head = simple_pdf("Benchmark", "A large document")
    body = os.urandom(megabytes * 1024 * 1024)
    while b"PK\x05\x06" in body[-70_000:]:  # random bytes that look like a zip's end would be a polyglot
        body = os.urandom(len(body))
    trailer_at = head.rindex(b"trailer")
    stream = (
        b"6 0 obj\n<< /Length " + str(len(body)).encode() + b" >>\nstream\n" + body + b"\nendstream\nendobj\n"
    )
    return head[:trailer_at] + stream + head[trailer_at:]


def _csrf(http: requests.Session, url: str) -> str:
    page = http.get(url, timeout=30)
    page.raise_for_status()
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)


def platform_session(url: str, email: str, password: str) -> requests.Session:
    """A signed-in browser-like session."""
    http = requests.Session()
    token = _csrf(http, f"{url}/auth/login")
    http.post(
        f"{url}/auth/login", data={"csrf_token": token, "email": email, "password": password}, timeout=30
    )
    assert "/auth/logout" in http.get(f"{url}/materials/", timeout=30).text, "sign-in failed"
    return http


def platform_upload(http: requests.Session, url: str, data: bytes) -> str:
    """Upload through the form; returns the material's permalink."""
    token = _csrf(http, f"{url}/materials/new")
    fields = {"csrf_token": token, "kind": "study", "access": "members", "language": "es", "title": "Informe"}
    response = http.post(
        f"{url}/materials/new",
        data=fields,
        files={"file": ("informe.pdf", data, PDF_MIME)},
        allow_redirects=False,
        timeout=300,
    )
    assert response.status_code == 302, response.status_code  # noqa: PLR2004
    return f"{url}{response.headers['Location']}/file"


def download(http: requests.Session, address: str, size: int) -> None:
    """Fetch a file to the end, reading the stream as a client would."""
    received = 0
    with http.get(address, stream=True, timeout=300) as response:
        response.raise_for_status()
        for chunk in response.iter_content(1024 * 1024):
            received += len(chunk)
    assert received == size, (received, size)


def seconds(function: Callable[[], object], runs: int) -> float:
    """Median seconds of `runs` runs after a warm-up."""
    function()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _gunicorn(app_path: str, port: int, cwd: Path, env: dict[str, str]) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-w",
        "1",
        "--timeout",
        "300",
        "-b",
        f"127.0.0.1:{port}",
        app_path,
    ]
    return subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _platform_env(folder: Path, port: int) -> dict[str, str]:
    env = {
        **os.environ,
        "FLASK_APP": "wsgi.py",
        "DATABASE_URL": f"sqlite:///{folder / 'throughput.sqlite3'}",
        "INSTANCE_PATH": str(folder / "instance"),
        "STORAGE_LOCAL_ROOT": str(folder / "uploads"),
        "SCHEDULER_ENABLED": "0",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "SESSION_COOKIE_SECURE": "0",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "LOGIN_RATE_LIMIT": "1000 per minute",
    }
    env.pop("REDIS_URL", None)
    return env


def _secretariat_account(env: dict[str, str]) -> tuple[str, str]:
    subprocess.run(
        [sys.executable, "-m", "flask", "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    script = textwrap.dedent(
        """
        from ports_network import create_app
        from ports_network.extensions import db
        from ports_network.models import User
        from ports_network.models.base import utcnow
        from ports_network.services.passwords import hash_password
        with create_app("development").app_context():
            password = hash_password("bench-pass-2026")
            db.session.add(User(email="bench@example.org", name="Bench", password_hash=password,
                                is_secretariat=True, email_confirmed_at=utcnow()))
            db.session.commit()
        """
    )
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True, capture_output=True)
    return "bench@example.org", "bench-pass-2026"


def bench_throughput(args: argparse.Namespace, folder: Path) -> None:
    """Part 2: a `--megabytes` MB file up and down through the platform and through plain Flask."""
    data = big_pdf(args.megabytes)
    size_mb = len(data) / (1024 * 1024)
    port, plain_port = free_port(), free_port()
    env = _platform_env(folder, port)
    email, password = _secretariat_account(env)
    (folder / "plain_app.py").write_text(PLAIN_APP)
    platform = _gunicorn("wsgi:app", port, ROOT, {**env, "FLASK_CONFIG": "production"})
    plain = _gunicorn(
        "plain_app:app", plain_port, folder, {**os.environ, "PLAIN_FILE": str(folder / "plain.pdf")}
    )
    url, plain_url = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{plain_port}"
    try:
        wait_until_up(url, platform)
        _wait_plain(plain_url, plain)
        http = platform_session(url, email, password)
        permalink = platform_upload(http, url, data)
        up = seconds(lambda: platform_upload(http, url, data), args.transfers)
        down = seconds(lambda: download(http, permalink, len(data)), args.transfers)
        bare = requests.Session()
        plain_up = seconds(
            lambda: bare.post(
                f"{plain_url}/upload", files={"file": ("informe.pdf", data, PDF_MIME)}, timeout=300
            ).raise_for_status(),
            args.transfers,
        )
        plain_down = seconds(lambda: download(bare, f"{plain_url}/file", len(data)), args.transfers)
    finally:
        for process in (platform, plain):
            process.terminate()
            process.wait(timeout=10)
    print(
        f"Throughput of a {size_mb:.0f} MB PDF (median of {args.transfers}; gunicorn, one sync worker each)"
    )
    for name, platform_s, plain_s in (("upload", up, plain_up), ("download", down, plain_down)):
        rates = f"platform {size_mb / platform_s:8.1f} MB/s   plain Flask {size_mb / plain_s:8.1f} MB/s"
        print(f"  {name:<9} {rates}   ratio {plain_s / platform_s:.2f}x of plain")


def _wait_plain(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the plain Flask server stopped")
        try:
            requests.get(f"{url}/upload", timeout=2)
            return
        except requests.ConnectionError:
            time.sleep(0.1)
    raise RuntimeError("the plain Flask server did not start")


def main() -> None:
    """Parse the options and run both parts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--database", help="SQLAlchemy URL of an EMPTY database for the search part")
    parser.add_argument("--megabytes", type=int, default=50)
    parser.add_argument("--transfers", type=int, default=5)
    parser.add_argument("--skip-search", action="store_true")
    parser.add_argument("--skip-throughput", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        if not args.skip_search:
            bench_search(args, Path(folder))
        if not args.skip_throughput:
            bench_throughput(args, Path(folder))


if __name__ == "__main__":
    main()
