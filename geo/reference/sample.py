"""The built-in samples: the 2017 Điện Biên Đông report spread over its 14 units, and an illustrative 2025
period on the 6 communes that replaced them, using the indicators of the new law (issue 13).

2017: district totals equal the report; the per-commune split is illustrative except population (2009 census)
and the village counts of Mường Luân and Háng Lìa. 2025: illustrative throughout (no 2025 report is used);
see data/sample/README.md for the method and sources. Each sample names the banner shown with it.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

from geo import DATA_DIR
from geo.reference.catalog import load_catalog
from geo.text.i18n import t
from geo.text.names import normalize_code

SAMPLE_DIR = DATA_DIR / "sample"


@dataclass(frozen=True)
class SampleInfo:
    boundary_set: str
    period: str
    file: str
    note_key: str  # the string key of the version note the sample is stored with (data/strings/core.toml)
    banner: str = "sample_banner"  # the string key of the label shown wherever the sample is shown
    short_note: str = "sample_short_note"  # its one-line label for slides and export metadata
    # Loaded on first start, every autoload sample in the order of SAMPLES and in one transaction (see
    # Store.ensure_ready); the version numbers they get are the store's, never a contract. A sample without
    # autoload is loaded by ``python -m geo load-sample SET PERIOD --yes``.
    autoload: bool = True

    @property
    def note(self) -> str:
        """The version note, in Vietnamese as every stored note is."""
        return t(self.note_key, "vi")


SAMPLES = (
    SampleInfo(
        boundary_set="dien-bien-dong-pre2025",
        period="2017",
        file="dien-bien-dong-pre2025_2017.csv",
        note_key="sample_note_2017",
    ),
    SampleInfo(
        boundary_set="dien-bien-dong-2025",
        period="2025",
        file="dien-bien-dong-2025_2025.csv",
        note_key="sample_note_2025",
        banner="sample_banner_2025",
        short_note="sample_short_note_2025",
    ),
)


def sample_for(boundary_set: str | None, period: str | None) -> SampleInfo:
    """The sample a sample table of (set, period) comes from; the 2017 one by default (a table carried to
    another set by a crosswalk keeps the label of the 2017 sample)."""
    for info in SAMPLES:
        if info.boundary_set == boundary_set and info.period == period:
            return info
    return SAMPLES[0]


def sample_banner_key(boundary_set: str | None, period: str | None) -> str:
    """The banner string key for a sample table of (set, period); the 2017 one by default."""
    return sample_for(boundary_set, period).banner


def sample_rows(info: SampleInfo = SAMPLES[0]) -> list[dict]:
    """Rows in the intake shape: ``{unit_code, unit_name, values: {indicator_id: number | None}}``."""
    catalog = load_catalog()
    ids = [i.id for i in catalog.valid_in(info.period).base()]  # the indicators of the sample's period
    rows = []
    with open(SAMPLE_DIR / info.file, encoding="utf-8", newline="") as fh:
        for rec in csv.DictReader(fh):
            values = {}
            for iid in ids:
                raw = (rec.get(iid) or "").strip()
                if raw == "":
                    values[iid] = None
                else:
                    num = float(raw)
                    values[iid] = int(num) if catalog[iid].whole_number else num
            rows.append({"unit_code": normalize_code(rec["unit_code"]), "unit_name": rec["unit_name"], "values": values})
    return rows


def sample_table(info: SampleInfo = SAMPLES[0]):
    """The sample as a wide table (see geo.reference.frames.rows_to_table)."""
    from geo.reference.frames import rows_to_table

    return rows_to_table(sample_rows(info), boundary_set=info.boundary_set, period=info.period, version=None, sample=True)
