"""Build src/civwatch/data/gw_iso3.csv: Gleditsch-Ward state numbers -> ISO 3166-1 alpha-3.

Inputs (../shared/data/countries): the Gleditsch & Ward list of independent states
(gleditsch_ward_state_list_ksg.csv) and datasets/country-codes (ISO names and codes).
Names are matched after normalisation; the states whose names differ, the historical states
and UCDP's own numbering (816 Vietnam, 678 Yemen) are set in OVERRIDES below, by hand.
Run: python tools/build_gw_iso3.py  (writes the table; review the diff before committing).
"""

from __future__ import annotations

import csv
import sys
import unicodedata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared" / "data" / "countries"
OUT = REPO / "src" / "civwatch" / "data" / "gw_iso3.csv"

# gwcode -> (iso3, why). Historical states get their ISO 3166-3 code where one exists,
# otherwise the successor state's code (said in the note).
OVERRIDES: dict[int, tuple[str, str]] = {
    260: ("DEU", "German Federal Republic; Germany after 1990"),
    265: ("DDR", "German Democratic Republic, ISO 3166-3 code (until 1990)"),
    300: ("AUT", "Austria-Hungary; successor Austria"),
    315: ("CSK", "Czechoslovakia, ISO 3166-3 code (until 1992)"),
    316: ("CZE", "Czech Republic"),
    345: ("SRB", "Yugoslavia / Serbia and Montenegro; UCDP 'Serbia (Yugoslavia)'; successor Serbia"),
    347: ("XKX", "Kosovo: no ISO code; XKX is the user-assigned code used by the EU and IMF"),
    365: ("RUS", "Russia (Soviet Union); successor Russia"),
    678: ("YEM", "UCDP: Yemen (North Yemen) and unified Yemen since 1990"),
    679: ("YEM", "Yemen (some lists number unified Yemen 679)"),
    680: ("YMD", "South Yemen, ISO 3166-3 code (until 1990)"),
    816: ("VNM", "UCDP: Vietnam (North Vietnam) and unified Vietnam"),
    817: ("VNM", "Republic of Vietnam (South Vietnam, until 1975); successor Vietnam"),
    731: ("PRK", "North Korea"),
    732: ("KOR", "South Korea"),
    713: ("TWN", "Taiwan"),
    437: ("CIV", "Ivory Coast"),
    490: ("COD", "DR Congo (Zaire)"),
    484: ("COG", "Congo"),
    572: ("SWZ", "Eswatini (Swaziland)"),
    775: ("MMR", "Myanmar (Burma)"),
    811: ("KHM", "Cambodia (Kampuchea)"),
    812: ("LAO", "Laos"),
    630: ("IRN", "Iran"),
    652: ("SYR", "Syria"),
    343: ("MKD", "North Macedonia"),
    346: ("BIH", "Bosnia-Herzegovina"),
    359: ("MDA", "Moldova"),
    369: ("UKR", "Ukraine"),
    2: ("USA", "United States of America"),
    200: ("GBR", "United Kingdom"),
    510: ("TZA", "Tanzania"),
    101: ("VEN", "Venezuela"),
    145: ("BOL", "Bolivia"),
    835: ("BRN", "Brunei"),
    860: ("TLS", "East Timor"),
    420: ("GMB", "Gambia"),
    403: ("STP", "Sao Tome and Principe"),
    402: ("CPV", "Cape Verde"),
    404: ("GNB", "Guinea-Bissau"),
    522: ("DJI", "Djibouti"),
    581: ("COM", "Comoros"),
    591: ("SYC", "Seychelles"),
    950: ("FJI", "Fiji"),
    983: ("MHL", "Marshall Islands"),
    987: ("FSM", "Federated States of Micronesia"),
    340: ("SRB", "Serbia"),
    341: ("MNE", "Montenegro"),
    60: ("KNA", "St. Kitts and Nevis"),
    56: ("LCA", "St. Lucia"),
    57: ("VCT", "St. Vincent and the Grenadines"),
    58: ("ATG", "Antigua & Barbuda"),
    53: ("BRB", "Barbados"),
    54: ("DMA", "Dominica"),
    55: ("GRD", "Grenada"),
    31: ("BHS", "Bahamas"),
    52: ("TTO", "Trinidad and Tobago"),
    626: ("SSD", "South Sudan"),
    530: ("ETH", "Ethiopia"),
    531: ("ERI", "Eritrea"),
    740: ("JPN", "Japan"),
    710: ("CHN", "China"),
    750: ("IND", "India"),
    700: ("AFG", "Afghanistan"),
    698: ("OMN", "Oman"),
    696: ("ARE", "United Arab Emirates"),
    694: ("QAT", "Qatar"),
    692: ("BHR", "Bahrain"),
    690: ("KWT", "Kuwait"),
    670: ("SAU", "Saudi Arabia"),
    666: ("ISR", "Israel"),
    640: ("TUR", "Turkey"),
    651: ("EGY", "Egypt"),
    620: ("LBY", "Libya"),
    232: ("AND", "Andorra"),
    221: ("MCO", "Monaco"),
    223: ("LIE", "Liechtenstein"),
    331: ("SMR", "San Marino"),
    338: ("MLT", "Malta"),
    352: ("CYP", "Cyprus"),
    94: ("CRI", "Costa Rica"),
    115: ("SUR", "Suriname"),
    255: ("DEU", "Germany (Prussia), until 1945; successor Germany"),
    325: ("ITA", "Italy/Sardinia"),
    370: ("BLR", "Belarus (Byelorussia)"),
    439: ("BFA", "Burkina Faso (Upper Volta)"),
    552: ("ZWE", "Zimbabwe (Rhodesia)"),
    580: ("MDG", "Madagascar (Malagasy)"),
    703: ("KGZ", "Kyrgyz Republic"),
    780: ("LKA", "Sri Lanka (Ceylon)"),
    990: ("WSM", "Samoa/Western Samoa"),
    396: ("GEO", "Abkhazia: no ISO code; internationally recognised as part of Georgia"),
    397: ("GEO", "South Ossetia: no ISO code; internationally recognised as part of Georgia"),
    711: ("CHN", "Tibet (1913-1950); part of China since"),
    751: ("IND", "Hyderabad (UCDP/PRIO ACD 1947-1948); part of India since"),
}

# Kingdoms and states before 1900 that have no modern ISO code and no single successor.
HISTORICAL_NO_ISO = {
    # German and Italian states of the 19th century, Korea before 1910, etc. are left out:
    # they never appear in UCDP (1946-) or ACLED (1997-) data.
}


def norm(name: str) -> str:
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    for a, b in (("&", "and"), ("st.", "saint"), ("the ", ""), (",", ""), ("'", ""), ("-", " ")):
        name = name.replace(a, b)
    return " ".join(name.split())


def main() -> None:
    iso_by_name: dict[str, str] = {}
    with open(SHARED / "country_codes_datasets_country-codes.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            iso3 = row["ISO3166-1-Alpha-3"]
            if not iso3:
                continue
            for col in ("CLDR display name", "official_name_en", "UNTERM English Short"):
                if row[col]:
                    iso_by_name.setdefault(norm(row[col]), iso3)
    rows: dict[int, tuple[str, str, str, str]] = {}
    unmatched = []
    with open(SHARED / "gleditsch_ward_state_list_ksg.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            gw = int(row["gwcode"])
            if gw in OVERRIDES:
                iso3, note = OVERRIDES[gw]
                rows[gw] = (row["gwc"], row["country_name"], iso3, note)
                continue
            iso3 = iso_by_name.get(norm(row["country_name"]))
            if iso3 and row["end"].startswith("9999"):
                rows[gw] = (row["gwc"], row["country_name"], iso3, "name match")
            elif gw not in rows:
                unmatched.append((gw, row["gwc"], row["country_name"], row["start"], row["end"], iso3))
    for gw, (iso3, note) in OVERRIDES.items():
        rows.setdefault(gw, ("", "", iso3, note))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with open(OUT, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["gwcode", "gwc", "gw_name", "iso3", "note"])
        for gw in sorted(rows):
            w.writerow([gw, *rows[gw]])
    for u in unmatched:
        print("unmatched (left out):", *u)


if __name__ == "__main__":
    main()
