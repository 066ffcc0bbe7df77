"""The printed documents: the signed agreement and the application for judicial confirmation
(A4, weasyprint, Noto Sans CJK). Residents and courts read them in Chinese whatever language
the person printing them uses."""

from __future__ import annotations

import logging

import segno
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import Agreement, JudicialApplication
from .services import verify_url


def _pdf(template: str, context: dict) -> bytes:
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    from weasyprint import HTML  # slow to import; only the printing paths need it

    with translation.override("zh-hans"):
        html = render_to_string(template, context)
    return HTML(string=html).write_pdf()


def agreement_pdf(agreement: Agreement) -> bytes:
    url = verify_url(agreement)
    return _pdf("online/agreement_pdf.html", {
        "a": agreement, "terms": list(agreement.terms.all()), "signatures": list(agreement.signatures.all()),
        "verify_url": url, "qr": segno.make(url, error="m").png_data_uri(scale=3, border=2),
        "superseded": agreement.status == Agreement.Status.SUPERSEDED,
    })


def judicial_pdf(app: JudicialApplication) -> bytes:
    agreement = app.agreement
    parties = list(agreement.case.parties.all())
    applicants = [p for p in parties if p.role != "respondent"]
    respondents = [p for p in parties if p.role == "respondent"]
    return _pdf("online/judicial_pdf.html", {
        "app": app, "a": agreement, "terms": list(agreement.terms.all()),
        "applicants": applicants, "respondents": respondents, "today": timezone.localdate(),
        "verify_url": verify_url(agreement),
    })
