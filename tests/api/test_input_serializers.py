"""Request bodies: InputSerializer's per-class field prototypes behave as DRF's deep copies."""

import threading

from rest_framework import serializers

from servicedesk.api.serializers import InputSerializer
from tickets.api.serializers import TicketChangeInput


class Ref(InputSerializer):
    id = serializers.IntegerField()


class Body(InputSerializer):
    name = serializers.CharField(max_length=5)
    tags = serializers.ListField(child=serializers.CharField(max_length=3), required=False)
    ref = Ref(required=False)


class LongerBody(Body):
    note = serializers.CharField(required=False)


def test_each_instance_binds_its_own_fields_to_itself():
    first, second = Body(data={}), Body(data={})
    assert first.fields["name"] is not second.fields["name"]
    assert first.fields["name"].parent is first and second.fields["name"].parent is second
    assert first.fields["ref"] is not second.fields["ref"]
    # The prototypes the copies come from stay unbound.
    assert all(field.parent is None for field in Body._field_prototypes.values())


def test_a_subclass_has_its_own_fields():
    assert "note" in LongerBody(data={}).fields
    assert "note" not in Body(data={}).fields
    assert "note" not in Body._field_prototypes


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


def test_concurrent_instances_do_not_see_each_others_data():
    results = {}

    def validate(index):
        for _ in range(200):
            body = TicketChangeInput(data={"subject": f"subject {index}", "tags": [str(index)]})
            assert body.is_valid(), body.errors
            if body.validated_data != {"subject": f"subject {index}", "tags": [str(index)]}:
                results[index] = body.validated_data
                return
        results[index] = "ok"

    threads = [threading.Thread(target=validate, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert results == dict.fromkeys(range(4), "ok")
