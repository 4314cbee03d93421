"""A real local RFC 3161 time-stamping authority for the evidence tests: `openssl ts -reply`
behind a small HTTP server on a free port. No network, nothing patched.

`make_tsa(folder)` makes a CA and a TSA certificate (extendedKeyUsage critical timeStamping)
with the openssl command line; `TsaServer` answers POSTed queries with `openssl ts -reply`.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

OPENSSL = shutil.which("openssl")

TSA_CONF = """
[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
dir = {dir}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.pem
certs = $dir/ca.pem
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
other_policies = 1.2.3.4.5
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = no
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""

EXT = """
[ tsa_ext ]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature,nonRepudiation
extendedKeyUsage = critical,timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
"""


def _run(*args: str, cwd: Path) -> None:
    subprocess.run([OPENSSL, *args], cwd=cwd, check=True, capture_output=True)


def make_tsa(folder: Path, name: str = "Test TSA") -> Path:
    """A CA and a TSA signed by it, in `folder`; returns the folder."""
    if OPENSSL is None:
        pytest.skip("openssl is not installed")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ext.cnf").write_text(EXT)
    (folder / "tsa.cnf").write_text(TSA_CONF.format(dir=folder))
    (folder / "serial").write_text("01\n")
    _run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "3650",
         "-subj", f"/CN={name} Root CA", "-addext", "basicConstraints=critical,CA:true",
         "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=folder)
    _run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "tsa.key", "-out", "tsa.csr", "-subj", f"/CN={name}", cwd=folder)
    _run("x509", "-req", "-in", "tsa.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "tsa.pem",
         "-days", "3650", "-extfile", "ext.cnf", "-extensions", "tsa_ext", cwd=folder)
    return folder


class _Handler(BaseHTTPRequestHandler):
    folder: Path
    lock = threading.Lock()

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        length = int(self.headers.get("Content-Length", "0"))
        query = self.rfile.read(length)
        with self.lock:
            (self.folder / "q.tsq").write_bytes(query)
            result = subprocess.run(
                [OPENSSL, "ts", "-reply", "-config", str(self.folder / "tsa.cnf"), "-queryfile", "q.tsq", "-out", "r.tsr"],
                cwd=self.folder, capture_output=True,
            )
            reply = (self.folder / "r.tsr").read_bytes() if result.returncode == 0 else b""
        if not reply:
            self.send_response(500)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args) -> None:
        pass


@dataclass
class TsaServer:
    folder: Path
    url: str
    httpd: ThreadingHTTPServer

    @property
    def ca(self) -> Path:
        return self.folder / "ca.pem"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def start_tsa(folder: Path) -> TsaServer:
    make_tsa(folder)
    handler = type("Handler", (_Handler,), {"folder": folder})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return TsaServer(folder, f"http://127.0.0.1:{httpd.server_address[1]}/tsa", httpd)


# ---- files made here (never invented data: test content only, said so by name) -------------


def jpeg(path: Path, size: tuple[int, int] = (64, 48), make: str = "TestCam", model: str = "T1") -> Path:
    """A small JPEG with EXIF Make/Model and a capture date, written by Pillow."""
    from PIL import Image

    im = Image.new("RGB", size, (180, 40, 40))
    exif = im.getexif()
    exif[0x010F], exif[0x0110], exif[0x0132] = make, model, "2024:02:27 14:05:00"
    im.save(path, format="JPEG", exif=exif)
    return path


def pdf(path: Path, title: str = "Test witness statement") -> Path:
    """A one-page PDF with an info dictionary, written by pypdf."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Title": title, "/Author": "test author", "/CreationDate": "D:20240227140500Z"})
    with open(path, "wb") as fh:
        writer.write(fh)
    return path


def rewrite_zip(src: Path, dst: Path, change) -> None:
    """Copy a zip, passing {name: bytes} through `change` (which may edit, add or drop members)."""
    import zipfile

    with zipfile.ZipFile(src) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    members = change(members)
    with zipfile.ZipFile(dst, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)


def leftovers(engine, root: Path) -> dict:
    """What a refused upload might have left: rows, custody entries, files under the root."""
    from sqlalchemy import func, select

    from civwatch.store.schema import audit_log, evidence_items, evidence_links

    with engine.connect() as conn:
        counts = {
            "items": conn.execute(select(func.count()).select_from(evidence_items)).scalar_one(),
            "links": conn.execute(select(func.count()).select_from(evidence_links)).scalar_one(),
            "custody": conn.execute(select(func.count()).select_from(audit_log)
                                    .where(audit_log.c.entity == "evidence")).scalar_one(),
        }
    counts["files"] = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []
    return counts


NOTHING = {"items": 0, "links": 0, "custody": 0, "files": []}
