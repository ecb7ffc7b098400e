"""Every targeting write: rule versions, score model versions, scoring runs. Keyword-only, actor, transaction.

A rule or score model is never changed in place: saving makes a new version and retires the previous one.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from berdaya.core.errors import ApplicationError
from berdaya.core.permissions import Perm, has_perm, require_perm
from berdaya.programmes.models import Programme
from berdaya.regions.models import Region
from berdaya.targeting import scoring
from berdaya.targeting.models import EligibilityRule, ScoreModel, ScoringRun
from berdaya.targeting.rules import RuleError, parse_rule

logger = logging.getLogger(__name__)
NOTE_LIMIT = 255


def rule_error(exc: RuleError) -> ApplicationError:
    return ApplicationError(exc.full_message, field="expression", code="invalid_rule",
                            extra={"line": exc.line, "column": exc.column, "excerpt": exc.excerpt,
                                   "short": exc.message})


def rule_check(expression: str):
    """The parsed rule, or ApplicationError with the parser's message (line, column, caret excerpt)."""
    try:
        return parse_rule(expression)
    except RuleError as exc:
        raise rule_error(exc) from None


@transaction.atomic
def rule_save(*, actor, programme: Programme, expression: str, note: str = "") -> EligibilityRule:
    """Save a new version of the programme's eligibility rule (the previous one stays, retired)."""
    require_perm(actor, Perm.TARGETING_MANAGE, programme.office_id)
    expression = (expression or "").replace("\r\n", "\n").strip()
    rule_check(expression)
    Programme.objects.select_for_update().filter(pk=programme.pk).first()  # one new version at a time
    current = EligibilityRule.objects.filter(programme=programme, active=True).first()
    if current is not None and current.expression == expression:
        raise ApplicationError(_("Aturan tidak berubah dari versi %(v)s.") % {"v": current.version},
                               field="expression", code="unchanged")
    last = EligibilityRule.objects.filter(programme=programme).aggregate(v=Max("version"))["v"] or 0
    EligibilityRule.objects.filter(programme=programme, active=True).update(active=False)
    return EligibilityRule.objects.create(programme=programme, version=last + 1, expression=expression,
                                          note=(note or "").strip()[:NOTE_LIMIT], active=True,
                                          created_by=_user(actor))


@transaction.atomic
def rule_restore(*, actor, rule: EligibilityRule) -> EligibilityRule:
    """Make an old version the current one again (as a new version with the same text)."""
    return rule_save(actor=actor, programme=rule.programme, expression=rule.expression,
                     note=_("Dipulihkan dari versi %(v)s") % {"v": rule.version})


def score_model_active() -> ScoreModel:
    """The score model in force; the first call creates version 1 with the default weights."""
    model = ScoreModel.objects.filter(active=True).first()
    if model is None:
        with transaction.atomic():
            model = ScoreModel.objects.select_for_update().filter(active=True).first() or ScoreModel.objects.create(
                version=(ScoreModel.objects.aggregate(v=Max("version"))["v"] or 0) + 1,
                weights=scoring.DEFAULT_WEIGHTS, note=_("Bobot awal"), active=True)
    return model


@transaction.atomic
def score_model_save(*, actor, weights, note: str = "") -> ScoreModel:
    """A new version of the weights; scores computed with the old one are stale from now on."""
    if not has_perm(actor, Perm.TARGETING_MANAGE):
        raise ApplicationError(_("Anda tidak berwenang mengubah model skor."), code="forbidden")
    weights = scoring.validate_weights(weights)
    current = score_model_active()
    current = ScoreModel.objects.select_for_update().get(pk=current.pk)
    if current.weights == weights:
        raise ApplicationError(_("Bobot tidak berubah dari versi %(v)s.") % {"v": current.version}, field="weights",
                               code="unchanged")
    current.active = False
    current.save(update_fields=["active"])
    return ScoreModel.objects.create(version=current.version + 1, weights=weights, active=True,
                                     note=(note or "").strip()[:NOTE_LIMIT], created_by=_user(actor),
                                     scores_stale_since=timezone.now())


def scores_mark_stale() -> None:
    """The registry changed: the active model's scores no longer match it (until the next run)."""
    ScoreModel.objects.filter(active=True, scores_stale_since__isnull=True).update(scores_stale_since=timezone.now())


def _scoring_region(actor, region: Region | None) -> str:
    """The region code a run covers ("" = everywhere, only for a national scope)."""
    code = region.code if region is not None else ""
    if not has_perm(actor, Perm.TARGETING_MANAGE, code):
        raise ApplicationError(_("Anda tidak berwenang menghitung skor di wilayah ini."), code="forbidden",
                               field="region")
    return code


def scoring_start(*, actor, region: Region | None = None) -> ScoringRun:
    """Queue a scoring run over a region (the desil is ranked within it); refuses while one is in progress."""
    run = _scoring_create(actor=actor, region_code=_scoring_region(actor, region))
    _enqueue(run)
    run.refresh_from_db()
    return run


def scoring_run_now(*, region_code: str = "", actor=None, progress=None) -> ScoringRun:
    """Score now, in this process (the `berdaya targeting score` command): no queue, no permission check.
    `progress(stage, done, total)` is told of every stage (and of progress within one, at most twice a second)."""
    if region_code and not Region.objects.filter(code=region_code).exists():
        raise ApplicationError(_("Kode wilayah %(code)s tidak terdaftar.") % {"code": region_code}, field="region")
    run = _scoring_create(actor=actor, region_code=region_code)
    return scoring_execute(run_id=run.pk, progress=progress)


# A run of a whole regency takes seconds to a few minutes (benchmarks/results/targeting.json: 1M households in
# ~20 s). One still queued or running after this long lost its process (a killed worker, a restarted server): it
# must not block every later run.
ABANDONED_AFTER = timedelta(hours=1)


def _fail_abandoned_runs() -> int:
    cutoff = timezone.now() - ABANDONED_AFTER
    return ScoringRun.objects.filter(
        Q(state=ScoringRun.State.RUNNING, started_at__lt=cutoff)
        | Q(state=ScoringRun.State.QUEUED, created_at__lt=cutoff)).update(
        state=ScoringRun.State.FAILED, finished_at=timezone.now(),
        error_message=_("Terputus: prosesnya berhenti sebelum selesai (lebih dari 1 jam tanpa hasil)."))


@transaction.atomic
def _scoring_create(*, actor, region_code: str) -> ScoringRun:
    model = score_model_active()
    _fail_abandoned_runs()
    busy = ScoringRun.objects.select_for_update().filter(
        state__in=[ScoringRun.State.QUEUED, ScoringRun.State.RUNNING]).first()
    if busy is not None:
        raise ApplicationError(_("Penghitungan skor lain sedang berjalan; tunggu sampai selesai."), code="conflict")
    return ScoringRun.objects.create(score_model=model, region_id=region_code or None, created_by=_user(actor))


def _enqueue(run: ScoringRun) -> None:
    from berdaya.targeting.tasks import run_scoring_job

    try:
        result = run_scoring_job.enqueue(run.pk)
    except Exception as exc:
        ScoringRun.objects.filter(pk=run.pk).update(
            state=ScoringRun.State.FAILED, error_message=_("Pekerjaan latar belakang tidak dapat dimulai: %(e)s")
            % {"e": exc})
        raise
    ScoringRun.objects.filter(pk=run.pk).update(task_id=str(result.id)[:64])


def scoring_execute(*, run_id: int, progress=None) -> ScoringRun | None:
    """Run a queued scoring run to its end (the task body; also `berdaya targeting score`)."""
    taken = ScoringRun.objects.filter(pk=run_id, state=ScoringRun.State.QUEUED).update(
        state=ScoringRun.State.RUNNING, started_at=timezone.now())
    if not taken:
        return None  # delivered twice, or cancelled
    run = ScoringRun.objects.select_related("score_model").get(pk=run_id)
    # Changes made from now on are not in this run: they mark the scores stale again.
    ScoreModel.objects.filter(pk=run.score_model_id).update(scores_stale_since=None)
    recorder = _ProgressRecorder(run.pk, echo=progress)
    try:
        with translation.override(settings.LANGUAGE_CODE):
            result = scoring.run_scoring(scoring.households_for_region(run.region_id or ""),
                                         score_model=run.score_model, region_code=run.region_id or "",
                                         progress=recorder)
    except Exception as exc:
        logger.exception("scoring run %s failed", run_id)
        ScoringRun.objects.filter(pk=run_id).update(state=ScoringRun.State.FAILED, finished_at=timezone.now(),
                                                    error_message=str(exc)[:2000])
        ScoreModel.objects.filter(pk=run.score_model_id, scores_stale_since__isnull=True).update(
            scores_stale_since=timezone.now())
        raise
    ScoringRun.objects.filter(pk=run_id).update(
        state=ScoringRun.State.FINISHED, finished_at=timezone.now(), households=result.households,
        seconds=round(result.seconds, 3), progress_done=result.households, progress_total=result.households,
        progress_stage="write")
    run.refresh_from_db()
    return run


class _ProgressRecorder:
    """(stage, done, total) onto the run row, at most every `interval` seconds per stage."""

    def __init__(self, run_id: int, interval: float = 0.5, echo=None):
        from time import monotonic

        self.run_id, self.interval, self.clock, self.echo = run_id, interval, monotonic, echo
        self.stage, self.last = None, 0.0

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        now = self.clock()
        if stage == self.stage and now - self.last < self.interval and done != total:
            return
        self.stage, self.last = stage, now
        if self.echo is not None:
            self.echo(stage, done, total)
        ScoringRun.objects.filter(pk=self.run_id).update(progress_stage=stage, progress_done=max(0, done),
                                                         progress_total=total)


def _user(actor):
    return actor if getattr(actor, "pk", None) else None
