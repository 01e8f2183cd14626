"""preview/wire.py holds the engine's wire markers as literals; they must stay the SDK's own values."""

from __future__ import annotations

from pulumi.runtime import rpc

from preview import wire


def test_the_wire_markers_are_the_sdks() -> None:
    assert rpc._special_sig_key == wire.SPECIAL_SIG_KEY
    assert rpc._special_secret_sig == wire.SECRET_SIG
    assert wire.UNKNOWN == rpc.UNKNOWN


def test_a_secret_envelope_is_secret_and_special_and_a_resource_reference_only_special() -> None:
    secret = {wire.SPECIAL_SIG_KEY: wire.SECRET_SIG, "value": "x"}
    reference = {wire.SPECIAL_SIG_KEY: rpc._special_resource_sig, "urn": "urn:pulumi:s::p::t::n"}
    assert wire.is_secret(secret) and wire.is_special(secret)
    assert not wire.is_secret(reference) and wire.is_special(reference)
    assert not wire.is_special({"value": "x"}) and not wire.is_secret(wire.UNKNOWN)
