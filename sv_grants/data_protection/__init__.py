"""UK GDPR: the retention policy ``purge-expired`` applies, a person's data export and the
erasure of an applicant's account. It sits at the end of the lifecycle, like ``cli.py``, because
it reads and anonymises the records of every stage.

What is and is not covered, on purpose:

- People are anonymised; money is kept. Grants, instalments, decisions, budget lines, organisation
  names and the published purpose of a grant are financial records kept for audit, whatever the
  period.
- Free text cannot be searched reliably for names, so the narrative answers of an expired
  application (summary, description, risks…) are removed as a whole, not scanned. Its title and
  reference stay, because they identify the financial record. Monitoring returns are kept: they
  hold counts and an anonymised case study, and the impact return is built from them.
- The audit log is append-only (database triggers refuse changes), so it is never rewritten. Its
  events name people by account id, so erasing the account's name and e-mail address breaks the
  link; a few events hold a value typed at the time (the name given when accepting a grant, the
  e-mail address of a failed sign-in, an uploaded file's name). The privacy notice says so.
"""
