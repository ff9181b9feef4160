"""Demo purchases for `manage.py seed_demo`: a year of orders per demo customer, through
purchase_record, so the admin, the API and the customer history show real spend. Important
customers buy more and more often than general ones, potential ones rarely."""

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from .models import Tier
from .services import purchase_record

# Its own random source: adding purchases must not change what the other demo steps draw.
SEED = 20260301
ORDERS_PER_TIER = {Tier.IMPORTANT: (6, 12), Tier.GENERAL: (1, 5), Tier.POTENTIAL: (0, 2)}
PRODUCTS = [
    ("扫地机器人 X1", "Robot vacuum X1", Decimal("1999.00")),
    ("空气净化器 A3", "Air purifier A3", Decimal("1299.00")),
    ("智能门锁 L2", "Smart lock L2", Decimal("899.00")),
    ("滤网套装", "Filter set", Decimal("129.00")),
    ("延保服务（一年）", "Extended warranty (1 year)", Decimal("199.00")),
]
CHANNELS = ["官网商城", "天猫旗舰店", "京东自营", "线下门店"]


def seed_purchases_step(demo) -> None:
    """The seed_demo step (registered in apps.py); customers with purchases are left alone."""
    rng = random.Random(SEED)
    now = timezone.now()
    for customer in demo.customers:
        if customer.purchases.exists():
            continue
        low, high = ORDERS_PER_TIER.get(customer.tier, (0, 2))
        english = customer.language == "en"
        for number in range(rng.randint(low, high)):
            name_zh, name_en, price = rng.choice(PRODUCTS)
            quantity = rng.choice([1, 1, 1, 2])
            purchase_record(
                customer=customer,
                actor=None,
                order_number=f"DEMO-{customer.pk:04d}-{number + 1:02d}",
                amount=(price / 9 if english else price).quantize(Decimal("0.01")) * quantity,
                currency="GBP" if english else "CNY",
                purchased_at=now - timedelta(days=rng.uniform(1, 365)),
                product=name_en if english else name_zh,
                channel="web shop" if english else rng.choice(CHANNELS),
            )
