"""Reading one stack's config into ``StackConfig``: every problem of a stack file listed at once.

Validation collects every problem before any resource is registered, so a typo never leaves a
half-registered stack: ``ConfigError`` lists each bad key, its value and what is allowed: field
errors first (in the order of docs/config.md), then the combinations among the keys that are valid
on their own.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from pydantic import ValidationError

from components.config.engine import (
    ELSEWHERE,
    NAMESPACE,
    PASS_THROUGH_NAMESPACES,
    aws_provider_keys,
    parse_text,
    region_of,
)
from components.config.problems import SECRET_SHOWN, ConfigError, full_key, nearest, shown
from components.config.schema import CONFIG_KEYS, FIELD_KEYS, KEY_ORDER, StackConfig, value_kind


def _field_problems(
    exc: ValidationError, raw: Mapping[str, Any], secret_keys: Collection[str]
) -> tuple[list[str], set[str]]:
    """One line per field error, showing the value as the user wrote it (``raw``: alias -> value)."""
    lines: list[str] = []
    keys: set[str] = set()
    for err in sorted(exc.errors(), key=lambda e: KEY_ORDER.get(str(e["loc"][0]) if e["loc"] else "", -1)):
        loc = err.get("loc", ())
        name = str(loc[0]) if loc else ""
        field = StackConfig.model_fields.get(name)
        alias = (field.alias or name) if field else name
        keys.add(alias)
        key = full_key(alias)
        path = "".join(f"[{p}]" for p in loc[1:])
        msg = str(err.get("msg", "")).removeprefix("Value error, ")
        value = raw[alias] if len(loc) == 1 and alias in raw else err.get("input")
        if key in secret_keys:  # a validator's message may quote the value
            for text in {str(raw.get(alias, "")), str(err.get("input", ""))} - {""}:
                msg = msg.replace(text, SECRET_SHOWN).replace(repr(text)[1:-1], SECRET_SHOWN)
        lines.append(f"{key}{path}={shown(key, value, secret_keys)}: {msg}")
    return lines, keys


def _unknown_key(key: str, text: str) -> str:
    if key in ELSEWHERE:
        where, why = ELSEWHERE[key]
        return f"{NAMESPACE}:{key}={text}: not a {NAMESPACE} key: {why} (set {where} instead)"
    near = nearest(key, CONFIG_KEYS)
    hint = f"did you mean `{NAMESPACE}:{near}`?" if near else f"the {len(CONFIG_KEYS)} keys are in docs/config.md"
    return f"{NAMESPACE}:{key}={text}: unknown key; {hint}"


def parse_stack_config(
    stack: str,
    values: Mapping[str, Any],
    region: str | None = None,
    *,
    secret_keys: Collection[str] = (),
) -> StackConfig:
    """Validate ``values`` (budgetbuddy keys without namespace -> raw values) for ``stack``.

    ``region`` is the provider's ``aws:region``; ``secret_keys`` (full keys) are never shown in
    messages. Strings are read as Pulumi's typed getters read them. Raises ``ConfigError`` listing
    every bad key at once: field errors first, then the combinations among the keys that are valid
    on their own.
    """
    problems: list[str] = []
    data: dict[str, Any] = {"stack": stack, "environment": stack}
    if region is not None:
        data["region"] = region
    bad_keys: set[str] = set()
    for key, raw in values.items():
        text = shown(f"{NAMESPACE}:{key}", raw, secret_keys)
        if key not in CONFIG_KEYS:
            problems.append(_unknown_key(key, text))
            continue
        try:
            data[key] = parse_text(value_kind(CONFIG_KEYS[key]), raw) if isinstance(raw, str) else raw
        except ValueError as exc:
            problems.append(f"{NAMESPACE}:{key}={text}: {exc}")
            bad_keys.add(key)
    try:
        cfg = StackConfig.model_validate({k: v for k, v in data.items() if k not in bad_keys})
    except ValidationError as exc:
        written = {**values, **({"region": region} if region is not None else {})}
        lines, keys = _field_problems(exc, written, secret_keys)
        problems.extend(lines)
        bad_keys |= keys
        # Judge combinations among the keys that are valid on their own (defaults for the rest).
        fallback = {k: v for k, v in data.items() if k not in bad_keys}
        fallback.setdefault("environment", stack)
        try:
            cfg = StackConfig.model_validate(fallback)
        except ValidationError:
            raise ConfigError(stack, problems) from None
    problems.extend(p.render(secret_keys) for p in cfg.problems() if not bad_keys.intersection(p.keys))
    if problems:
        raise ConfigError(stack, problems)
    return cfg


def _namespace_problems(config: Mapping[str, Any], secret_keys: Collection[str]) -> list[str]:
    """``aws:`` keys the provider does not read, and namespaces nothing reads, are errors, not ignored."""
    problems: list[str] = []
    provider = aws_provider_keys()
    known = [*FIELD_KEYS.values(), *(f"aws:{k}" for k in provider)]
    for key, raw in config.items():
        namespace, sep, name = key.partition(":")
        text = shown(key, raw, secret_keys)
        if not sep or namespace in (NAMESPACE, *PASS_THROUGH_NAMESPACES):
            continue
        if namespace == "aws":
            if name not in provider:
                near = nearest(name, provider)
                hint = f"did you mean `aws:{near}`?" if near else "see the pulumi-aws provider configuration"
                problems.append(f"{key}={text}: not a key the AWS provider reads; {hint}")
            elif isinstance(raw, str) and key != "aws:region":
                try:
                    parse_text(provider[name], raw)
                except ValueError as exc:
                    problems.append(f"{key}={text}: {exc}")
            continue
        near = nearest(key, known)
        hint = f"; did you mean `{near}`?" if near else ""
        problems.append(
            f"{key}={text}: unknown namespace `{namespace}`: this program reads only {NAMESPACE}: and aws: keys{hint}"
        )
    return problems


def parse_config(
    stack: str,
    config: Mapping[str, Any],
    secret_keys: Collection[str] = (),
    environ: Mapping[str, str] | None = None,
) -> StackConfig:
    """Validate a stack's whole configuration (full keys ``namespace:key`` -> values, as the engine
    passes them): budgetbuddy keys, the region from ``aws:region``, and the other namespaces."""
    problems = _namespace_problems(config, secret_keys)
    prefix = f"{NAMESPACE}:"
    values = {k[len(prefix) :]: v for k, v in config.items() if k.startswith(prefix)}
    region = region_of(config, environ)
    if region is None:
        problems.append(
            "aws:region: not set: the AWS provider needs the region it deploys to, and key policies, endpoint "
            "names and ARNs must name the same one (pulumi config set aws:region us-east-1)"
        )
    try:
        cfg = parse_stack_config(stack, values, region, secret_keys=secret_keys)
    except ConfigError as exc:
        raise ConfigError(stack, [*problems, *exc.problems]) from None
    if problems:
        raise ConfigError(stack, problems)
    return cfg


def runtime_values() -> dict[str, Any]:
    """The config the engine passed to this program run, full keys -> text (the only place that reads it)."""
    from pulumi.runtime import config as runtime_config

    return {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}


def load_stack_config() -> StackConfig:
    """Read this stack's configuration from the Pulumi runtime."""
    import pulumi
    from pulumi.runtime import config as runtime_config

    merged = runtime_values()
    secret = {k for k in merged if runtime_config.is_config_secret(k)}
    secret |= set(runtime_config.get_config_secret_keys_env())
    return parse_config(pulumi.get_stack(), merged, secret)
