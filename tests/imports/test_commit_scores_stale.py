"""A commit that changes the registry marks the active score model's scores stale (the bulk writes fire no
post_save signal); a dry run, a commit that changes nothing, and a refused all-or-nothing commit do not."""

from berdaya.imports.engine import ImportOptions, commit, dry_run
from berdaya.targeting.models import ScoreModel
from berdaya.targeting.services import score_model_active
from tests.imports.conftest import family, write_csv


def _fresh_scores() -> ScoreModel:
    model = score_model_active()
    ScoreModel.objects.filter(pk=model.pk).update(scores_stale_since=None)
    return model


def _stale(model: ScoreModel) -> bool:
    model.refresh_from_db()
    return model.scores_stale_since is not None


def test_a_commit_that_writes_marks_the_scores_stale(staff_blora, tmp_path):
    model = _fresh_scores()
    result = commit(write_csv(tmp_path / "a.csv", family()), actor=staff_blora)
    assert result.summary.new_persons == 3
    assert _stale(model)


def test_a_dry_run_leaves_the_scores_fresh(staff_blora, tmp_path):
    model = _fresh_scores()
    result = dry_run(write_csv(tmp_path / "a.csv", family()), actor=staff_blora)
    assert result.summary.new_persons == 3
    assert not _stale(model)


def test_a_commit_that_changes_nothing_leaves_the_scores_fresh(staff_blora, tmp_path):
    path = write_csv(tmp_path / "a.csv", family())
    commit(path, actor=staff_blora)
    model = _fresh_scores()
    again = commit(path, actor=staff_blora)
    assert again.summary.committed and again.summary.unchanged == 3
    assert not _stale(model)


def test_a_refused_all_or_nothing_commit_leaves_the_scores_fresh(staff_blora, tmp_path):
    model = _fresh_scores()
    rows = family() + family()
    rows[4]["NIK"] = "123"
    result = commit(write_csv(tmp_path / "a.csv", rows), actor=staff_blora, options=ImportOptions(all_or_nothing=True))
    assert result.summary.committed is False
    assert not _stale(model)


def test_an_update_by_import_marks_the_scores_stale(staff_blora, tmp_path):
    rows = family()
    commit(write_csv(tmp_path / "a.csv", rows), actor=staff_blora)
    model = _fresh_scores()
    rows[0]["PEKERJAAN"] = "1"
    result = commit(write_csv(tmp_path / "b.csv", rows), actor=staff_blora)
    assert result.summary.updated_persons == 1
    assert _stale(model)
