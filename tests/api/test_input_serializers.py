"""Request bodies: InputSerializer refuses unknown fields; IdField answers as DRF's field does,
except that it refuses keys that are not integers."""

import pytest
from rest_framework import serializers

from servicedesk.api.serializers import IdField, InputSerializer
from staff.models import Team
from tests.factories import TeamFactory


class Ref(InputSerializer):
    id = serializers.IntegerField()


class Body(InputSerializer):
    name = serializers.CharField(max_length=5)
    tags = serializers.ListField(child=serializers.CharField(max_length=3), required=False)
    ref = Ref(required=False)


def test_validation_errors_name_each_field_as_before():
    body = Body(data={"name": "too long", "tags": ["ok", "long"], "ref": {"id": "x"}, "x": 1})
    assert not body.is_valid()
    assert set(body.errors) == {"x"}  # unknown fields are refused first
    body = Body(data={"name": "too long", "tags": ["ok", "long"], "ref": {"id": "x"}})
    assert not body.is_valid()
    assert set(body.errors) == {"name", "tags", "ref"}
    assert set(body.errors["tags"]) == {1} and set(body.errors["ref"]) == {"id"}
    good = Body(data={"name": "abc", "tags": ["a"], "ref": {"id": "7"}})
    assert good.is_valid(), good.errors
    assert good.validated_data == {"name": "abc", "tags": ["a"], "ref": {"id": 7}}


class TeamByIdField(InputSerializer):
    team = IdField(queryset=Team.objects.all(), required=False, allow_null=True)


class TeamByDrfField(InputSerializer):
    team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(), required=False, allow_null=True
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "given",
    ["existing", "existing-as-text", None, 10**6, 2**63, -(2**63) - 1, "abc", True, [], {}],
)
def test_the_id_field_answers_as_drfs_does(given, django_assert_max_num_queries):
    team = TeamFactory(name="Support")
    value = (
        {"existing": team.pk, "existing-as-text": str(team.pk)}.get(given, given)
        if isinstance(given, str)
        else given
    )
    ours, drfs = TeamByIdField(data={"team": value}), TeamByDrfField(data={"team": value})
    with django_assert_max_num_queries(1):
        valid = ours.is_valid()
    assert valid == drfs.is_valid()
    if valid:
        assert ours.validated_data == drfs.validated_data
        if value is not None:
            assert ours.validated_data["team"].name == "Support"
    else:
        assert ours.errors == drfs.errors


@pytest.mark.django_db
@pytest.mark.parametrize("given", [1.0, 1.5, float("inf"), "1.0", " 1", "+1", "1e0"])
def test_the_primary_key_field_takes_only_integers_or_digit_strings(given):
    # DRF's field hands these to int(): 1.5 became record 1 and infinity an OverflowError.
    team = TeamFactory(name="Support")
    value = given.replace("1", str(team.pk)) if isinstance(given, str) else given
    refused = TeamByIdField(data={"team": value})
    assert not refused.is_valid()
    assert refused.errors["team"][0].code == "incorrect_type"


@pytest.mark.django_db
def test_a_filtered_queryset_keeps_its_filter():
    class ActiveOnly(InputSerializer):
        team = IdField(queryset=Team.objects.filter(name="Support"))

    support, other = TeamFactory(name="Support"), TeamFactory(name="Other")
    assert ActiveOnly(data={"team": support.pk}).is_valid()
    refused = ActiveOnly(data={"team": other.pk})
    assert not refused.is_valid() and "team" in refused.errors
