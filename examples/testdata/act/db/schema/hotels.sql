-- The desired schema: production's hotels table with the pull request's
-- description column. seed-branch makes the branch equal to it, and the
-- deploy request carries the ALTER.
CREATE TABLE hotels (
  id INT UNSIGNED PRIMARY KEY AUTO_INCREMENT,
  name VARCHAR(50) NOT NULL,
  address VARCHAR(50) NOT NULL,
  stars FLOAT UNSIGNED,
  description VARCHAR(400)
);
