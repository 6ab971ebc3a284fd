"""Layer schemas: canonical English columns, Swedish aliases, types and vocabularies (DOMAIN.md).

A column's ``kind`` says how importers parse and validate it:

``id``        text identifier (kept as string)
``text``      short text (names, organisations)
``free_text`` free text from people: redacted at import, never in public outputs
``int`` / ``float``
``datetime``  timezone-aware timestamp (Europe/Stockholm in, stored UTC)
``date``      calendar date
``code``      one code from ``vocab``
``codes``     several codes from ``vocab``, separated by ``,`` or ``;`` (stored ``a;b``)
``bool``
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    required: bool = False
    vocab: str | None = None
    aliases: tuple[str, ...] = ()
    planned: bool = False  # a date that may lie in the future (due dates, follow-ups)


@dataclass(frozen=True)
class LayerSchema:
    name: str
    columns: tuple[Column, ...]
    geometry: tuple[str, ...] | None = None  # allowed geometry types; None = no geometry
    geometry_required: bool = True
    id_column: str | None = None
    label_sv: str = ""
    label_en: str = ""
    duplicate_keys: tuple[str, ...] = field(default=())  # columns defining a suspect duplicate

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    def aliases(self) -> dict[str, str]:
        """Lower-cased source name -> canonical name (canonical names included)."""
        out = {}
        for c in self.columns:
            out[c.name.lower()] = c.name
            for a in c.aliases:
                out[a.lower()] = c.name
        return out

    def free_text_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.kind == "free_text"]


C = Column
POINT = ("Point",)
POLYGONAL = ("Polygon", "MultiPolygon")

AREAS = LayerSchema(
    "areas",
    (
        C("area_id", "id", True, aliases=("omrade_id", "omrades_id", "id")),
        C("name", "text", True, aliases=("namn", "omrade", "område")),
        C("area_type", "code", vocab="area_type", aliases=("omradestyp", "typ")),
        C("code", "id", aliases=("kod", "deso", "desokod")),
        C("municipality_code", "id", aliases=("kommunkod", "kommun_kod")),
        C("parent_id", "id", aliases=("overordnat_id", "foralder_id")),
        C("population", "int", aliases=("befolkning", "folkmangd", "invanare")),
        C("population_year", "int", aliases=("befolkning_ar", "ar_befolkning")),
    ),
    geometry=POLYGONAL,
    id_column="area_id",
    label_sv="områden",
    label_en="areas",
)

INCIDENTS = LayerSchema(
    "incidents",
    (
        C("incident_id", "id", True, aliases=("handelse_id", "id", "arende_id")),
        C("occurred_at", "datetime", True, aliases=("tid", "tidpunkt", "datum_tid", "datetime")),
        C("occurred_end", "datetime", aliases=("tid_slut", "sluttid")),
        C("category", "code", True, vocab="category", aliases=("kategori", "typ", "type")),
        C("source", "text", True, aliases=("kalla", "källa")),
        C("time_precision", "code", vocab="time_precision", aliases=("tidsprecision",)),
        C("reporting_org", "text", aliases=("rapporterande_org", "organisation")),
        C("severity", "int", aliases=("allvarlighet",)),
        C("place_type", "code", vocab="place_type", aliases=("platstyp",)),
        C(
            "location_precision",
            "code",
            vocab="location_precision",
            aliases=("platsprecision", "lagesprecision"),
        ),
        C(
            "reported_to_police",
            "code",
            vocab="reported_to_police",
            aliases=("polisanmald", "anmalt_till_polis"),
        ),
        C("description", "free_text", aliases=("beskrivning", "kommentar", "summary")),
    ),
    geometry=POINT,
    id_column="incident_id",
    label_sv="händelser",
    label_en="incidents",
    duplicate_keys=("occurred_at", "category"),
)

WALKS = LayerSchema(
    "walks",
    (
        C("walk_id", "id", True, aliases=("vandring_id",)),
        C("date", "date", True, aliases=("datum",)),
        C("light_condition", "code", vocab="light_condition", aliases=("ljusforhallande", "ljus")),
        C("area_id", "id", aliases=("omrade_id",)),
        C("organiser", "text", aliases=("arrangor", "arrangör")),
        C("target_group", "code", vocab="target_group", aliases=("malgrupp", "målgrupp")),
        C("n_participants", "int", aliases=("antal_deltagare", "deltagare")),
    ),
    geometry=("LineString", "MultiLineString"),
    geometry_required=False,
    id_column="walk_id",
    label_sv="trygghetsvandringar",
    label_en="safety walks",
)

WALK_OBSERVATIONS = LayerSchema(
    "walk_observations",
    (
        C("observation_id", "id", True, aliases=("observation", "obs_id", "id")),
        C("walk_id", "id", True, aliases=("vandring_id",)),
        C("perception", "code", True, vocab="perception", aliases=("upplevelse",)),
        C(
            "problem_category",
            "code",
            True,
            vocab="problem_category",
            aliases=("problemkategori", "problem"),
        ),
        C("priority", "code", vocab="priority", aliases=("prioritet",)),
        C("proposed_measure", "free_text", aliases=("foreslagen_atgard", "förslag", "forslag")),
        C("measure_type", "code", vocab="measure_type", aliases=("atgardstyp",)),
        C("responsible_type", "code", vocab="responsible_type", aliases=("ansvarig_typ",)),
        C("responsible", "text", aliases=("ansvarig",)),
        C("status", "code", True, vocab="observation_status"),
        C("reason_if_not", "free_text", aliases=("skal_om_ej", "motivering")),
        C("decided_on", "date", aliases=("beslutad", "beslutsdatum")),
        C("due_on", "date", aliases=("klart_senast", "deadline"), planned=True),
        C("resolved_on", "date", aliases=("atgardad_datum", "åtgärdad_datum")),
        C("photo_ref", "id", aliases=("foto", "bild")),
    ),
    geometry=POINT,
    id_column="observation_id",
    label_sv="observationer från trygghetsvandringar",
    label_en="safety-walk observations",
)

DIALOGUE = LayerSchema(
    "dialogue",
    (
        C("response_id", "id", True, aliases=("svar_id", "id")),
        C("campaign_id", "id", True, aliases=("kampanj_id", "kampanj")),
        C("perception", "code", True, vocab="perception", aliases=("upplevelse",)),
        C("time_of_day", "codes", vocab="time_of_day", aliases=("tid_pa_dygnet", "tidpunkt")),
        C("weekday_type", "code", vocab="weekday_type", aliases=("veckodag",)),
        C("season", "code", vocab="season", aliases=("arstid", "årstid")),
        C("reasons", "codes", vocab="reason", aliases=("orsaker", "skal", "skäl")),
        C("comment", "free_text", aliases=("kommentar", "fritext")),
        C("age_group", "code", vocab="age_group", aliases=("aldersgrupp", "ålder", "alder")),
        C("gender", "code", vocab="gender", aliases=("kon", "kön")),
        C("lives_in_area", "bool", aliases=("bor_i_omradet",)),
        C("submitted_at", "datetime", aliases=("inskickad", "datum")),
    ),
    geometry=POINT,
    id_column="response_id",
    label_sv="medborgardialog",
    label_en="citizen dialogue",
)

SURVEY_INDICATORS = LayerSchema(
    "survey_indicators",
    (
        C("source", "code", True, vocab="survey_source", aliases=("kalla", "källa")),
        C("year", "int", True, aliases=("ar", "år")),
        C("area_id", "id", True, aliases=("omrade_id",)),
        C("indicator", "id", True, aliases=("indikator",)),
        C("value", "float", True, aliases=("varde", "värde")),
        C("scale", "code", True, vocab="survey_scale", aliases=("skala",)),
        C("n", "int", aliases=("antal_svar",)),
    ),
    geometry=None,
    label_sv="enkätindikatorer",
    label_en="survey indicators",
    duplicate_keys=("source", "year", "area_id", "indicator"),
)

MEASURES = LayerSchema(
    "measures",
    (
        C("measure_id", "id", True, aliases=("atgard_id", "id")),
        C("title", "text", True, aliases=("titel", "rubrik")),
        C("type", "code", vocab="measure_kind", aliases=("typ",)),
        C("area_id", "id", aliases=("omrade_id",)),
        C("linked_categories", "codes", vocab="category", aliases=("kategorier",)),
        C("linked_observations", "text", aliases=("observationer",)),
        C("linked_reasons", "codes", vocab="reason", aliases=("orsaker",)),
        C("responsible", "text", aliases=("ansvarig",)),
        C("partners", "text", aliases=("parter", "samverkansparter")),
        C("decided_by", "code", vocab="decided_by", aliases=("beslutad_av",)),
        C("status", "code", True, vocab="measure_status"),
        C("start", "date", aliases=("startdatum",), planned=True),
        C("end", "date", aliases=("slutdatum",), planned=True),
        C("indicator", "text", aliases=("indikator",)),
        C("target_value", "float", aliases=("malvarde", "målvärde")),
        C("follow_up_on", "date", aliases=("uppfoljning", "uppföljning"), planned=True),
    ),
    geometry=("Point", "Polygon", "MultiPolygon", "LineString"),
    geometry_required=False,
    id_column="measure_id",
    label_sv="åtgärder",
    label_en="measures",
)

POLICE_CLASSIFICATION = LayerSchema(
    "police_classification",
    (
        C("area_id", "id", True, aliases=("omrade_id",)),
        C("year", "int", True, aliases=("ar", "år")),
        C(
            "classification",
            "code",
            True,
            vocab="police_classification",
            aliases=("klassning", "polisens_klassning"),
        ),
    ),
    geometry=None,
    label_sv="polisens klassning",
    label_en="police classification",
    duplicate_keys=("area_id", "year"),
)

#: Context layers for the risk-terrain model (``[[layers.context]]``): places and features of
#: the environment the municipality already has (bus stops, licensed restaurants, schools,
#: parks, poorly lit paths …). ``factor`` is the layer's name in the configuration (the factor
#: the model reports), ``context_type`` its type code (vocabulary ``context_type``).
CONTEXT = LayerSchema(
    "context",
    (
        C("feature_id", "id", aliases=("objekt_id", "id")),
        C("context_type", "code", True, vocab="context_type", aliases=("kontexttyp", "typ")),
        C("factor", "text", True, aliases=("faktor",)),
        C("label", "text", aliases=("benamning", "beteckning")),
    ),
    geometry=(
        "Point",
        "MultiPoint",
        "LineString",
        "MultiLineString",
        "Polygon",
        "MultiPolygon",
    ),
    id_column="feature_id",
    label_sv="kontextlager",
    label_en="context layers",
)

LAYERS: dict[str, LayerSchema] = {
    s.name: s
    for s in (
        AREAS,
        INCIDENTS,
        WALKS,
        WALK_OBSERVATIONS,
        DIALOGUE,
        SURVEY_INDICATORS,
        MEASURES,
        POLICE_CLASSIFICATION,
        CONTEXT,
    )
}


def schema(layer: str) -> LayerSchema:
    """The schema of a layer by name, with a clear error listing the valid names."""
    try:
        return LAYERS[layer]
    except KeyError:
        from ..errors import ArgumentError
        from ..i18n import tr

        raise ArgumentError(
            tr("okänt lager {l!r}", "unknown layer {l!r}", l=layer),
            rule="LAYER_UNKNOWN",
            fix=tr("välj ett av: {a}", "choose one of: {a}", a=", ".join(LAYERS)),
        ) from None
