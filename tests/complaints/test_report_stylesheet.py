"""The printed documents take their styles from our static files (the Content-Security-Policy
refuses inline styles in the browser), and the PDF renderer reads nothing else."""

import io

from django.urls import reverse
from pypdf import PdfReader

from complaints.report import report_pdf_render


def is_landscape(pdf: bytes) -> bool:
    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    return box.width > box.height


def test_the_monthly_report_stylesheet_reaches_the_pdf(client, supervisor):
    client.force_login(supervisor)
    response = client.get(reverse("complaints:monthly_pdf", args=["2026-03"]))
    assert response.status_code == 200
    # A4 landscape is said only in complaints/monthly_print.css.
    assert is_landscape(response.content)


def test_the_renderer_reads_our_static_files_and_no_other_file(tmp_path):
    landscape = tmp_path / "landscape.css"
    landscape.write_text("@page { size: A4 landscape; }")
    ours = '<link rel="stylesheet" href="/static/complaints/monthly_print.css">'
    other = f'<link rel="stylesheet" href="{landscape.as_uri()}">'
    assert is_landscape(report_pdf_render(f"<html><head>{ours}</head><body>x</body></html>"))
    assert not is_landscape(report_pdf_render(f"<html><head>{other}</head><body>x</body></html>"))
