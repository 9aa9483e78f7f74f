-- The pull request's new table.
CREATE TABLE orders (
  id INT UNSIGNED PRIMARY KEY AUTO_INCREMENT,
  hotel_id INT UNSIGNED NOT NULL,
  nights INT UNSIGNED NOT NULL
);
