-- The pull request's schema change.
ALTER TABLE hotels ADD COLUMN description VARCHAR(400);
