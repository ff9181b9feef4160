"""The default membership ladder [S0 §03], as data: loaded once by a data migration, then
the administrator's to edit (names in both languages, rank, privileges, thresholds).

`install_levels` takes a model registry so the migration can pass its historical models;
it adds only the levels that are missing, so running it again changes nothing.
"""

from decimal import Decimal

# (code, Chinese name, English name, rank, dedicated advisor, lowest lifetime value CNY).
# Thresholds against the segmentation's 10,000 CNY a year for full spend marks: gold is
# two such years, platinum five.
DEFAULT_LEVELS = (
    ("standard", "标准会员", "Standard", 0, False, Decimal("0")),
    ("silver", "白银会员", "Silver", 1, False, Decimal("5000")),
    ("gold", "黄金会员", "Gold", 2, True, Decimal("20000")),
    ("platinum", "铂金会员", "Platinum", 3, True, Decimal("50000")),
)


def install_levels(apps) -> None:
    """Create the default levels that do not exist yet (by code; a rank already taken by
    an administrator's own level is left to them)."""
    MembershipLevel = apps.get_model("customers", "MembershipLevel")
    taken = set(MembershipLevel.objects.values_list("rank", flat=True))
    for code, name, name_en, rank, advisor, threshold in DEFAULT_LEVELS:
        if rank in taken or MembershipLevel.objects.filter(code=code).exists():
            continue
        MembershipLevel.objects.create(
            code=code,
            name=name,
            name_en=name_en,
            rank=rank,
            dedicated_advisor=advisor,
            min_lifetime_value=threshold,
        )
