"""How the customers app's own profile sections read in the API (the page renders the
same values with its templates)."""

from customers.selectors import PurchaseHistory, SegmentExplanation


def purchase_history_json(history: PurchaseHistory | None, request) -> dict:
    history = history or PurchaseHistory()
    return {
        "lifetime_spend": [
            {
                "currency": item.currency,
                "total": str(item.total),
                "orders": item.orders,
                "first_purchase_at": item.first_purchase_at,
                "last_purchase_at": item.last_purchase_at,
            }
            for item in history.spend
        ],
        "recent": [
            {
                "id": purchase.pk,
                "order_number": purchase.order_number,
                "product": purchase.product,
                "amount": str(purchase.amount),
                "currency": purchase.currency,
                "channel": purchase.channel,
                "purchased_at": purchase.purchased_at,
            }
            for purchase in history.recent
        ],
    }


def segment_json(explanation: SegmentExplanation | None, request) -> dict | None:
    if explanation is None:
        return None
    segment = explanation.segment
    return {
        "segment": segment.segment,
        "score": str(segment.score),
        "threshold": explanation.threshold,
        "computed_at": segment.run.computed_at,
        "inputs": [
            {
                "label": item.label,
                "value": None if item.value is None else str(item.value),
                "full_marks": str(item.full_marks),
                "points": str(item.points),
                "max_points": str(item.max_points),
            }
            for item in explanation.inputs
        ],
        "deciding": [item.label for item in explanation.deciding],
    }
