-- Findings get time-ordered ids (issue 5; docs/vulnerabilities.md, "How a scan is merged").
--
-- A finding's id was a random UUID (version 4). Three of the findings' indexes end in the id
-- (the primary key, findings_state and findings_first_import), so every new finding went to a
-- random leaf of each: a first scan of 100,000 findings touched leaves all over those indexes.
-- vaern_uuid_v7() makes a UUID of version 7 (RFC 9562): the first 48 bits are the time in
-- milliseconds (clock_timestamp, which moves within a transaction, unlike now()), the rest random
-- but for the version and variant bits. New ids of one import then follow each other, and each
-- index takes them at its right edge. Ids stay unique and unguessable (74 random bits); they now
-- tell when the finding was created, which findings.created_at tells anyway. Existing ids stay.
create function vaern_uuid_v7() returns uuid
  language sql volatile parallel safe
  as $$
    select encode(
      set_bit(set_bit(
        overlay(uuid_send(gen_random_uuid())
                placing substring(int8send(floor(extract(epoch from clock_timestamp()) * 1000)::bigint) from 3)
                from 1),
        52, 1), 53, 1),
      'hex')::uuid
  $$;

alter table findings alter column id set default vaern_uuid_v7();
