"""Short names shared by the catalogue entries of several articles."""

ALL_KINDS = ("enterprise", "research_institution", "platform", "service_provider")
ENT_RES_PLAT = ("enterprise", "research_institution", "platform")
#: A provisions that B does not restate: they apply while B is in force only under interpretation a_survives_b.
A_SILENT = ("a_survives_b",)
