"""Read scenario files: TOML parsing, ``extends`` inheritance, paths, validation.

Resolution rules (documented in the README):

1. A file may name a parent with ``[scenario] extends = "parent.toml"`` (relative to the
   file). Parents are read first, recursively; a file that extends itself, directly or
   through others, is refused.
2. The child's keys override the parent's. Tables (TOML ``[...]`` and inline tables) merge
   key by key, recursively; every other value (numbers, strings, arrays) replaces the
   parent's value whole, and so does a quantity (an inline table with a ``value`` key), so
   a new number never inherits the parent's source.
3. A path (``weather.file``, ``buildings.table``, ...) is relative to the file that wrote it,
   so a child in another folder can extend a parent and still use the parent's tables.
4. The merged document is validated against :class:`~smartcity.scenario.models.Scenario`;
   every error names the file that wrote the bad key (or the top file for a missing key),
   the key, the value and what is allowed.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import BaseModel, ValidationError

from smartcity.errors import InputError
from smartcity.scenario.models import Scenario, path_keys
from smartcity.scenario.sections.measures import MEASURE_TYPES, measure_class
from smartcity.schema.files import MAX_TOML_BYTES, check_regular_file, input_error, read_toml
from smartcity.schema.quantities import Quantity, Trajectory

__all__ = ["ResolvedScenario", "load_scenario", "read_toml", "resolve_document", "scenario_error", "quantities",
           "scenario_warnings"]


@dataclass(frozen=True)
class ResolvedScenario:
    """A validated scenario with everything needed to run and trace it.

    Attributes
    ----------
    model : Scenario
        The validated scenario.
    document : dict
        The merged TOML document, paths absolute, ``extends`` removed.
    files : tuple of Path
        The files read, the requested file first, then its parents.
    path : Path
        The requested file.
    """

    model: Scenario
    document: dict
    files: tuple[Path, ...]
    path: Path
    origins: dict = field(repr=False, default_factory=dict)

    @property
    def name(self) -> str:
        return self.model.scenario.name

    def portable_document(self, base: Path | None = None) -> dict:
        """The validated scenario, defaults included, paths relative to ``base``.

        ``base`` defaults to the requested file's folder; pass the folder a resolved copy
        will be written to, so that the copy runs from there.
        """
        doc = self.model.model_dump(mode="json", exclude_none=True)
        base = self.path.parent if base is None else Path(base).resolve()
        for key in path_keys():
            for holder, last in _iter_key(doc, key):
                value = holder.get(last)
                if isinstance(value, str):
                    holder[last] = _relative(Path(value), base)
        return doc

    def to_toml(self, base: Path | None = None) -> str:
        """The resolved scenario as TOML (what ``smartcity validate --resolved`` prints).

        Paths are written relative to ``base`` (default: the scenario file's folder).
        """
        base = self.path.parent if base is None else Path(base).resolve()
        header = (
            f"# resolved scenario '{self.name}' from "
            + " <- ".join(str(f) for f in self.files)
            + "\n# paths are relative to the folder of this file\n"
        )
        return header + tomli_w.dumps(self.portable_document(base))

    def input_files(self) -> list[Path]:
        """Files the scenario reads (tables, weather), in key order."""
        files = []
        dumped = self.model.model_dump(mode="json", exclude_none=True)
        for key in path_keys():
            for holder, last in _iter_key(dumped, key):
                value = holder.get(last)
                if isinstance(value, str):
                    files.append(Path(value))
        return files

    def sha256(self) -> str:
        """SHA-256 of the resolved scenario, each input file standing in by its content's hash.

        Two runs with the same settings and the same input data have the same hash wherever
        their files lie and whatever they are called; any change of a setting, a default or
        a byte of an input file changes it.
        """
        doc = self.model.model_dump(mode="json", exclude_none=True)
        for key in path_keys():
            for holder, last in _iter_key(doc, key):
                value = holder.get(last)
                if isinstance(value, str):
                    path = Path(value)
                    holder[last] = "sha256:" + (
                        hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "missing"
                    )
        return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()


def _relative(path: Path, base: Path) -> str:
    try:
        return Path(os.path.relpath(path, base)).as_posix()
    except ValueError:  # different drives
        return path.as_posix()


def _iter_key(doc: dict, key: tuple[str, ...]):
    """Yield (holder dict, last key) for a key path with '*' wildcards."""
    holders = [doc]
    for part in key[:-1]:
        nxt = []
        for h in holders:
            if not isinstance(h, dict):
                continue
            if part == "*":
                nxt.extend(v for v in h.values() if isinstance(v, dict))
            elif isinstance(h.get(part), dict):
                nxt.append(h[part])
        holders = nxt
    for h in holders:
        if isinstance(h, dict) and key[-1] in h:
            yield h, key[-1]


@functools.lru_cache(maxsize=4)
def _scenario_path_keys(measure_types: tuple) -> tuple[tuple[str, ...], ...]:
    """:func:`path_keys` of the scenario for one set of registered measure types (the cache key)."""
    return tuple(path_keys())


def _absolutise_paths(doc: dict, file: Path) -> None:
    for key in _scenario_path_keys(tuple(MEASURE_TYPES.items())):
        for holder, last in _iter_key(doc, key):
            value = holder[last]
            if isinstance(value, str) and value.strip():  # an empty path is refused by the model
                holder[last] = str((file.parent / value).resolve())


def _merge(parent: dict, child: dict, origins: dict, file: Path, prefix: tuple = ()) -> dict:
    """Deep-merge ``child`` over ``parent``; record which file set each key."""
    out = dict(parent)
    for key, value in child.items():
        here = prefix + (key,)
        if isinstance(value, dict) and isinstance(out.get(key), dict) and not (
            _is_quantity(value) or _is_quantity(out[key])
        ):
            out[key] = _merge(out[key], value, origins, file, here)
        else:
            out[key] = copy.deepcopy(value)
            for stale in [k for k in origins if k[: len(here)] == here]:
                del origins[stale]
            _record(value, origins, file, here)
    origins.setdefault(prefix, file) if prefix else None
    return out


def _is_quantity(table: dict) -> bool:
    """An inline table holding a number with its unit (replaced whole, never merged)."""
    return "value" in table or "unit" in table


def _record(value: Any, origins: dict, file: Path, here: tuple) -> None:
    origins[here] = file
    if isinstance(value, dict):
        for k, v in value.items():
            _record(v, origins, file, here + (k,))


def resolve_document(path: str | Path) -> tuple[dict, tuple[Path, ...], dict]:
    """Read ``path`` and its parents; return (merged document, files, key origins)."""
    path = Path(path).resolve()
    chain: list[Path] = []
    docs: list[dict] = []
    current: Path | None = path
    referrer: Path | None = None
    while current is not None:
        if current in chain:
            cycle = " -> ".join(p.name for p in chain + [current])
            raise InputError(
                "extends cycle", file=referrer, key="scenario.extends", value=cycle,
                allowed="a chain of parents that ends at a file without 'extends'",
            )
        if not current.exists():
            if referrer is None:
                raise InputError("scenario file not found", file=current)
            raise InputError("parent scenario file not found", file=referrer, key="scenario.extends",
                             value=str(current), allowed="a path, relative to this file, of an existing .toml file")
        if current.is_dir():
            raise InputError("is a folder, not a scenario file", file=referrer or current,
                             key="scenario.extends" if referrer else None, value=str(current),
                             allowed="a .toml file")
        if referrer is not None:  # a parent named by 'extends': a device or pipe is refused there
            check_regular_file(current, what="parent scenario file", max_bytes=MAX_TOML_BYTES, file=referrer,
                               key="scenario.extends")
        doc = read_toml(current)
        chain.append(current)
        docs.append(doc)
        info = doc.get("scenario", {})
        parent = info.get("extends") if isinstance(info, dict) else None
        if parent is None:
            current, referrer = None, current
        elif not isinstance(parent, str) or not parent:
            raise InputError("extends must be a file name", file=current, key="scenario.extends", value=parent,
                             allowed="a path to a .toml file, relative to this file")
        else:
            referrer, current = current, (current.parent / parent).resolve()
    merged: dict = {}
    origins: dict = {}
    for file, doc in zip(reversed(chain), reversed(docs)):
        doc = copy.deepcopy(doc)
        _absolutise_paths(doc, file)
        _drop_inherited(merged, origins, doc, file)
        merged = _merge(merged, doc, origins, file)
    if isinstance(merged.get("scenario"), dict):
        merged["scenario"].pop("extends", None)
        merged["scenario"].pop("drop", None)
    return merged, tuple(chain), origins


def _drop_inherited(merged: dict, origins: dict, doc: dict, file: Path) -> None:
    """Remove from ``merged`` (what ``file`` inherits) the keys its ``scenario.drop`` names."""
    info = doc.get("scenario")
    drop = info.get("drop") if isinstance(info, dict) else None
    if drop is None:
        return
    allowed = 'a list of dotted keys the parents set, e.g. drop = ["transport", "measures.plusbus"]'
    if not isinstance(drop, list) or not all(isinstance(k, str) and k for k in drop):
        raise InputError("drop must be a list of dotted keys", file=file, key="scenario.drop", value=drop,
                         allowed=allowed)
    for dotted in drop:
        parts = dotted.split(".")
        holder = merged
        for part in parts[:-1]:
            holder = holder.get(part) if isinstance(holder, dict) else None
        if not isinstance(holder, dict) or parts[-1] not in holder or parts[0] == "scenario":
            raise InputError("nothing inherited under this key to drop", file=file, key="scenario.drop",
                             value=dotted, allowed=allowed + " (not in [scenario])")
        del holder[parts[-1]]
        here = tuple(parts)
        for stale in [k for k in origins if k[: len(here)] == here]:
            del origins[stale]


def scenario_error(exc: ValidationError, document: dict, origins: dict, top: Path) -> InputError:
    """The first error of validating a merged scenario ``document``, naming the file that wrote the key.

    A missing key is reported in the requested file ``top``; a measure's keys are listed
    from the class of its ``type``.
    """
    measures = document.get("measures") if isinstance(document, dict) else None

    def resolve(prefix: tuple, annotation) -> type[BaseModel] | None:
        if len(prefix) == 2 and prefix[0] == "measures" and isinstance(measures, dict):
            return measure_class(measures.get(prefix[1]))
        return None

    return input_error(exc, file=top, model=Scenario, origins=origins, missing_file=top, resolve=resolve)


def load_scenario(path: str | Path) -> ResolvedScenario:
    """Read, resolve and validate a scenario file.

    Parameters
    ----------
    path : str or Path
        A scenario TOML file.

    Returns
    -------
    ResolvedScenario

    Raises
    ------
    InputError
        Bad TOML, unknown key, wrong type or range, unknown unit, extends cycle, missing
        parent; the message names the file, the key, the value and what is allowed.
    """
    document, files, origins = resolve_document(path)
    try:
        model = Scenario.model_validate(document)
    except ValidationError as exc:
        raise scenario_error(exc, document, origins, files[0]) from None
    return ResolvedScenario(model=model, document=document, files=files, path=files[0], origins=origins)


def quantities(model: BaseModel, prefix: str = "") -> list[tuple[str, Quantity | Trajectory]]:
    """All quantities and trajectories of a scenario with their dotted keys (for source checks and reports)."""
    found = []
    for name in type(model).model_fields:
        value = getattr(model, name)
        key = f"{prefix}{name}"
        if isinstance(value, (Quantity, Trajectory)):
            found.append((key, value))
        elif isinstance(value, BaseModel):
            found.extend(quantities(value, key + "."))
        elif isinstance(value, dict):
            for k, v in value.items():
                if isinstance(v, (Quantity, Trajectory)):
                    found.append((f"{key}.{k}", v))
                elif isinstance(v, BaseModel):
                    found.extend(quantities(v, f"{key}.{k}."))
    return found


def scenario_warnings(resolved: ResolvedScenario) -> list[str]:
    """What a valid scenario probably did not mean: one line each, naming the file and key.

    * a measure that starts after the last simulated year (it does nothing in the run);
    * quantities written in the scenario's files with neither a ``source`` nor
      ``assumption = true`` (the package's own defaults all carry one);
    * a ``[transport]`` table inherited from a scenario in another folder (usually another
      district: its zones, residents and network), which ``scenario.drop = ["transport"]`` removes.
    """
    model = resolved.model
    last = model.scenario.last_year
    out = []
    for mid, measure in model.measures.items():
        if measure.enabled and measure.start_year > last:
            out.append(f"{resolved.path}, key 'measures.{mid}.start_year': the measure starts in "
                       f"{measure.start_year}, after the last simulated year {last}; it does nothing in this run")
    unsourced: dict[Path, list[str]] = {}  # by the file that wrote them
    for key, q in quantities(model):
        origin = resolved.origins.get(tuple(key.split(".")))
        if not q.source and not q.assumption and origin is not None:
            unsourced.setdefault(Path(origin), []).append(key)
    for file, keys in unsourced.items():
        listed = ", ".join(keys[:5]) + (f" and {len(keys) - 5} more" if len(keys) > 5 else "")
        out.append(f"{file}: {len(keys)} quantit{'y has' if len(keys) == 1 else 'ies have'} no "
                   f"source ({listed}); add source = \"document, table, year\" or assumption = true with a reason")
    origin = resolved.origins.get(("transport", "zones"))  # the district's zone system: whose is it?
    if model.transport is not None and origin is not None and Path(origin).parent != resolved.path.parent:
        out.append(f"{resolved.path}: the [transport] table (zones, residents, network) is inherited from {origin}, "
                   "a scenario in another folder; if this district has no transport model of its own, remove it "
                   "with drop = [\"transport\"] in [scenario]")
    return out
