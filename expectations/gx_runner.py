"""Run the GX 1.x suites of `expectations/suites/` on pandas frames; optional Data Docs for the run.

Imported lazily (GX takes seconds to import). Analytics are off and nothing calls out.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from expectations.offline_docs import make_offline
from expectations.scope import SUITES_DIR

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

log = logging.getLogger(__name__)

DOCS_SITE = "gate"


@dataclass
class Outcome:
    """One expectation's result, reduced to what the gate reports."""

    type: str
    kwargs: dict[str, Any]
    meta: dict[str, Any]
    success: bool
    result: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


def load_suite(name: str) -> dict[str, Any]:
    """The JSON of `suites/<name>.json`."""
    return json.loads((SUITES_DIR / f"{name}.json").read_text(encoding="utf-8"))


def used_parameters(suite_name: str, parameters: dict[str, Any]) -> dict[str, Any]:
    """The expectation parameters ($PARAMETER) the suite names."""
    text = json.dumps(load_suite(suite_name))
    return {k: v for k, v in parameters.items() if k in text}


class GxRunner:
    """An ephemeral GX context with one pandas data source; a filesystem Data Docs site when asked."""

    def __init__(self, docs_dir: Path | None = None) -> None:
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        self._gx = gx
        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False)
        self.docs_dir = docs_dir
        if docs_dir is not None:
            self.context.add_data_docs_site(
                DOCS_SITE,
                {
                    "class_name": "SiteBuilder",
                    "store_backend": {
                        "class_name": "TupleFilesystemStoreBackend",
                        "base_directory": str(Path(docs_dir).resolve()),
                    },
                    "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                },
            )
        self.source = self.context.data_sources.add_pandas("gate")
        self.validated = 0

    def validate(self, suite_name: str, frame: pd.DataFrame, parameters: dict[str, Any]) -> list[Outcome]:
        """Validate `frame` against the suite; unexpected rows are identified by the frame's `_rid` column."""
        gx = self._gx
        suite = self.context.suites.add(gx.ExpectationSuite(**load_suite(suite_name)))
        asset = self.source.add_dataframe_asset(suite_name)
        batch_definition = asset.add_batch_definition_whole_dataframe(f"{suite_name}_month")
        definition = self.context.validation_definitions.add(
            gx.ValidationDefinition(name=suite_name, data=batch_definition, suite=suite)
        )
        result = definition.run(
            batch_parameters={"dataframe": frame},
            expectation_parameters=used_parameters(suite_name, parameters),
            result_format={"result_format": "COMPLETE", "unexpected_index_column_names": ["_rid"]},
        )
        self.validated += 1
        outcomes = []
        for r in result.results:
            config = r.expectation_config
            error = None
            if r.exception_info and r.exception_info.get("raised_exception"):
                error = str(r.exception_info.get("exception_message"))
            outcomes.append(
                Outcome(
                    type=config.type,
                    kwargs=dict(config.kwargs),
                    meta=dict(config.meta or {}),
                    success=bool(r.success),
                    result=dict(r.result or {}),
                    error=error,
                )
            )
        return outcomes

    def build_docs(self) -> str | None:
        """Build the Data Docs site of this run; returns the index.html path (None when nothing to show)."""
        if self.docs_dir is None or not self.validated:
            return None
        try:
            urls = self.context.build_data_docs(site_names=[DOCS_SITE])
            make_offline(Path(self.docs_dir))
        except Exception as exc:  # docs are a convenience: never let them hide the gate's result
            log.warning("GX Data Docs could not be built: %s", exc)
            return None
        index = Path(self.docs_dir) / "index.html"
        return str(index) if index.exists() else urls.get(DOCS_SITE)
