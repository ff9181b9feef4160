"""Store (and print) the monthly complaint analysis for any month."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from complaints.analysis import Month, complaint_monthly_analysis_generate


class Command(BaseCommand):
    help = "Compute and store the monthly complaint analysis (default: last month)."

    def add_arguments(self, parser):
        parser.add_argument("--month", help="The month as YYYY-MM, e.g. 2026-10.")
        parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")

    def handle(self, *args, **options):
        try:
            month = (
                Month.parse(options["month"])
                if options["month"]
                else Month.containing(timezone.now()).previous
            )
        except ValueError:
            raise CommandError("--month must look like 2026-10") from None
        analysis = complaint_monthly_analysis_generate(month=month)
        data = analysis.data
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        self.stdout.write(
            f"{month}: {data['total']} complaints (previous month {data['previous_total']})"
        )
        for rank, item in enumerate(data["top_categories"], start=1):
            rate = item["recurrence_rate"]
            causes = (
                ", ".join(f"{c['root_cause']}×{c['count']}" for c in item["root_causes"]) or "-"
            )
            self.stdout.write(
                f"{rank}. {item['name']} ({item['name_en']}): {item['count']}, "
                f"recurrence {rate:.0%}, root causes: {causes}"
                if rate is not None
                else f"{rank}. {item['name']}: {item['count']}"
            )
