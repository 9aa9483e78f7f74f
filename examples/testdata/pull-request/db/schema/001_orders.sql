-- The pull request's schema change. seed-branch applies every file again
-- when the files change, so each statement can run twice.
CREATE TABLE IF NOT EXISTS orders (
  id INT UNSIGNED PRIMARY KEY AUTO_INCREMENT,
  hotel_id INT UNSIGNED NOT NULL,
  nights INT UNSIGNED NOT NULL
);
