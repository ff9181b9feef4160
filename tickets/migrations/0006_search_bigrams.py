"""Text search that works for Chinese: GIN indexes over each text's two-character pieces.

Chinese words are mostly two characters, below pg_trgm's three, so a trigram index cannot
narrow a search for 漏水; bench/search.py measures both (README, "Search"). PostgreSQL
only: the embedded SQLite database searches with a plain LIKE.
"""

from django.db import migrations

# Every pair of adjacent characters, lower-cased, none of them white space. plpgsql over
# the array of characters: substr() on multibyte text walks from the start each time.
CREATE = r"""
CREATE OR REPLACE FUNCTION search_bigrams(t text) RETURNS text[]
  IMMUTABLE PARALLEL SAFE STRICT LANGUAGE plpgsql AS $$
DECLARE
  c text[] := regexp_split_to_array(regexp_replace(lower(t), '\s+', ' ', 'g'), '');
  pieces text[] := '{}';
BEGIN
  FOR i IN 1 .. cardinality(c) - 1 LOOP
    IF c[i] <> ' ' AND c[i + 1] <> ' ' THEN
      pieces := array_append(pieces, c[i] || c[i + 1]);
    END IF;
  END LOOP;
  RETURN pieces;
END $$;
CREATE INDEX ticket_subject_search_idx ON tickets_ticket USING gin (search_bigrams(subject));
CREATE INDEX ticket_description_search_idx ON tickets_ticket
  USING gin (search_bigrams(description));
CREATE INDEX message_body_search_idx ON tickets_ticketmessage USING gin (search_bigrams(body));
"""

DROP = """
DROP INDEX IF EXISTS message_body_search_idx;
DROP INDEX IF EXISTS ticket_description_search_idx;
DROP INDEX IF EXISTS ticket_subject_search_idx;
DROP FUNCTION IF EXISTS search_bigrams(text);
"""


def _on_postgresql(sql: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("tickets", "0005_intake_guidance_in_both_languages")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
