-- Schema of the seed-branch end-to-end test.
/*!40101 SET NAMES utf8mb4 */;

CREATE TABLE hotels (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(100) NOT NULL, -- emoji need utf8mb4
  stars TINYINT NOT NULL DEFAULT 3
) DEFAULT CHARSET=utf8mb4;

CREATE TABLE audit (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  hotel_id INT UNSIGNED NOT NULL,
  note VARCHAR(200) NOT NULL
) DEFAULT CHARSET=utf8mb4;

CREATE TABLE blobs (
  id INT NOT NULL PRIMARY KEY,
  data LONGBLOB NOT NULL
);

DELIMITER ;;
CREATE TRIGGER hotels_audit AFTER INSERT ON hotels FOR EACH ROW
BEGIN
  INSERT INTO audit (hotel_id, note) VALUES (NEW.id, CONCAT('added; ', NEW.name));
END;;

/* A routine whose body holds the usual delimiter. */
CREATE PROCEDURE add_hotel(IN hotel_name VARCHAR(100), IN hotel_stars TINYINT)
BEGIN
  INSERT INTO hotels (name, stars) VALUES (hotel_name, hotel_stars);
END;;
DELIMITER ;

-- INVOKER: the password that creates the view is deleted after the seed,
-- and MySQL refuses a DEFINER view whose definer no longer exists.
CREATE SQL SECURITY INVOKER VIEW good_hotels AS SELECT id, name FROM hotels WHERE stars >= 4;
