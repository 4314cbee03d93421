"""Trusted time: RFC 3161 timestamps from a time-stamping authority, and their offline check.

A token is a CMS SignedData over a TSTInfo that names the SHA-256 of what was stamped and the
time. `verify_token` needs no network: it checks the imprint, the signed attributes, the
signature with the certificate inside the token, that certificate's time-stamping purpose,
and that it was issued by one of the trusted certificates given.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import httpx
from asn1crypto import cms, tsp
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID

HASHES = {"sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512, "sha1": hashes.SHA1}


class TimestampError(RuntimeError):
    """The time-stamping authority could not be reached or refused the request."""


class TimestampInvalid(ValueError):
    """A token does not prove what it claims."""


@dataclass(frozen=True)
class Stamp:
    token: bytes  # DER TimeStampToken (CMS ContentInfo)
    time: datetime
    tsa: str  # the signer's subject
    signer_sha256: str  # fingerprint of the signing certificate
    trusted_by: str | None  # fingerprint of the trusted certificate that issued it, if checked


def tsa_url() -> str | None:
    return os.environ.get("CIVWATCH_TSA_URL") or None


def trusted_certificates(path: str | Path | None = None) -> list[x509.Certificate] | None:
    """The certificates trusted to sign timestamps (CIVWATCH_TSA_CA_FILE), or None if unset."""
    path = path or os.environ.get("CIVWATCH_TSA_CA_FILE")
    if not path:
        return None
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ValueError(f"cannot read the TSA certificates {path}: {exc.strerror}") from None
    certs = x509.load_pem_x509_certificates(data)
    if not certs:
        raise ValueError(f"no PEM certificate in {path}")
    return certs


def request_stamp(url: str, digest: bytes, trusted: list[x509.Certificate] | None = None, timeout: float = 30) -> Stamp:
    """Ask the authority at `url` to stamp a SHA-256 digest; the reply is checked before use."""
    nonce = secrets.randbits(62)
    req = tsp.TimeStampReq({
        "version": "v1",
        "message_imprint": {"hash_algorithm": {"algorithm": "sha256"}, "hashed_message": digest},
        "nonce": nonce,
        "cert_req": True,
    })
    try:
        reply = httpx.post(url, content=req.dump(), headers={"Content-Type": "application/timestamp-query"},
                           timeout=timeout, follow_redirects=False)
    except httpx.HTTPError as exc:
        raise TimestampError(f"the time-stamping authority at {url} could not be reached: {exc}") from None
    if reply.status_code != 200:
        raise TimestampError(f"the time-stamping authority at {url} answered HTTP {reply.status_code}")
    try:
        resp = tsp.TimeStampResp.load(reply.content)
        status = resp["status"]["status"].native
        token = resp["time_stamp_token"]
    except (ValueError, TypeError, KeyError) as exc:
        raise TimestampError(f"the time-stamping authority sent no readable reply ({exc})") from None
    if status not in ("granted", "granted_with_mods") or not token:
        text = resp["status"]["status_string"].native if resp["status"]["status_string"] else None
        raise TimestampError(f"the time-stamping authority refused: {status}{': ' + str(text) if text else ''}")
    der = token.dump()
    stamp = verify_token(der, digest, trusted)
    tst = token["content"]["encap_content_info"]["content"].parsed
    if tst["nonce"].native != nonce:
        raise TimestampError("the time-stamping authority's reply does not answer this request (nonce)")
    return stamp


def _signed_attr(signer: cms.SignerInfo, name: str):
    for attr in signer["signed_attrs"]:
        if attr["type"].native == name:
            return attr["values"][0]
    raise TimestampInvalid(f"the token's signature has no {name} attribute")


def _signer_cert(signed: cms.SignedData, signer: cms.SignerInfo) -> x509.Certificate:
    sid = signer["sid"]
    for choice in signed["certificates"] or []:
        if choice.name != "certificate":
            continue
        cert = choice.chosen
        if sid.name == "issuer_and_serial_number":
            ias = sid.chosen
            if cert.issuer == ias["issuer"] and cert.serial_number == ias["serial_number"].native:
                return x509.load_der_x509_certificate(cert.dump())
        elif cert.key_identifier == sid.chosen.native:
            return x509.load_der_x509_certificate(cert.dump())
    raise TimestampInvalid("the token does not carry the certificate that signed it")


def _verify_signature(cert: x509.Certificate, signer: cms.SignerInfo, data: bytes) -> None:
    algo = signer["digest_algorithm"]["algorithm"].native
    if algo not in HASHES:
        raise TimestampInvalid(f"the token is signed with an unsupported digest {algo}")
    digest = HASHES[algo]()
    signature = signer["signature"].native
    key = cert.public_key()
    try:
        if isinstance(key, rsa.RSAPublicKey):
            sig_algo = signer["signature_algorithm"].signature_algo
            pad = padding.PSS(padding.MGF1(digest), padding.PSS.AUTO) if sig_algo == "rsassa_pss" else padding.PKCS1v15()
            key.verify(signature, data, pad, digest)
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, data, ec.ECDSA(digest))
        else:
            raise TimestampInvalid("the token is signed with an unsupported key type")
    except InvalidSignature:
        raise TimestampInvalid("the token's signature does not verify (the token was altered or forged)") from None


def fingerprint(cert: x509.Certificate) -> str:
    return cert.fingerprint(hashes.SHA256()).hex()


def verify_token(der: bytes, digest: bytes, trusted: list[x509.Certificate] | None = None) -> Stamp:
    """Check a token stamps `digest` and is signed as it says; offline. Raises TimestampInvalid."""
    try:
        info = cms.ContentInfo.load(der)
        if info["content_type"].native != "signed_data":
            raise TimestampInvalid("the token is not CMS signed data")
        signed = info["content"]
        encap = signed["encap_content_info"]
        if encap["content_type"].native != "tst_info":
            raise TimestampInvalid("the token does not hold a timestamp (TSTInfo)")
        tst_der = encap["content"].contents
        tst = encap["content"].parsed
        imprint = tst["message_imprint"]
        algo = imprint["hash_algorithm"]["algorithm"].native
        stamped = imprint["hashed_message"].native
        gen_time = tst["gen_time"].native
        signers = list(signed["signer_infos"])
    except TimestampInvalid:
        raise
    except Exception as exc:  # noqa: BLE001 - any parse failure of a token is a bad token
        raise TimestampInvalid(f"the token cannot be read ({type(exc).__name__})") from None
    if algo != "sha256" or stamped != digest:
        raise TimestampInvalid("the token stamps other content than this (its SHA-256 differs)")
    if len(signers) != 1:
        raise TimestampInvalid("the token must have exactly one signer")
    signer = signers[0]
    if _signed_attr(signer, "content_type").native != "tst_info":
        raise TimestampInvalid("the token's signed content type is not a timestamp")
    sig_digest = signer["digest_algorithm"]["algorithm"].native
    if sig_digest not in HASHES or hashlib.new(sig_digest, tst_der).digest() != _signed_attr(signer, "message_digest").native:
        raise TimestampInvalid("the timestamp does not match its signed digest (the token was altered)")
    cert = _signer_cert(signed, signer)
    attrs = signer["signed_attrs"].dump()
    _verify_signature(cert, signer, b"\x31" + attrs[1:])  # signed as a SET OF, stored [0] IMPLICIT
    try:
        eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        eku = []
    if ExtendedKeyUsageOID.TIME_STAMPING not in eku:
        raise TimestampInvalid("the token's signer is not a time-stamping certificate")
    if not (cert.not_valid_before_utc <= gen_time <= cert.not_valid_after_utc):
        raise TimestampInvalid("the token's time lies outside its signer's validity")
    trusted_by = None
    if trusted is not None:
        for anchor in trusted:
            if fingerprint(anchor) == fingerprint(cert):
                trusted_by = fingerprint(anchor)
                break
            try:
                cert.verify_directly_issued_by(anchor)
            except (ValueError, TypeError, InvalidSignature):
                continue
            trusted_by = fingerprint(anchor)
            break
        if trusted_by is None:
            raise TimestampInvalid(f"the token's signer ({cert.subject.rfc4514_string()}) is not issued by a trusted TSA certificate")
    return Stamp(token=der, time=gen_time, tsa=cert.subject.rfc4514_string(), signer_sha256=fingerprint(cert), trusted_by=trusted_by)


def token_certificates(der: bytes) -> list[x509.Certificate]:
    """The certificates a token carries (for a bundle's record of who signed)."""
    info = cms.ContentInfo.load(der)
    return [x509.load_der_x509_certificate(c.chosen.dump()) for c in info["content"]["certificates"] or []
            if c.name == "certificate"]
