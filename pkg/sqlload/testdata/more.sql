-- A hand-written seed that runs after dump.sql.
USE `{db}`;

# one more user, then orders through the procedure (the trigger writes audit rows)
INSERT INTO users (id, name, avatar) VALUES (4, 'Ωmega "4"', X'DEADBEEF');
CALL add_order(4, 7.25);
CALL add_order(3, 1.00);
SELECT COUNT(*) FROM users; -- a result set the loader reads and drops
/*!99999 SET @from_the_future = 1 */;

DELIMITER $$
CREATE FUNCTION order_count(uid INT) RETURNS INT
  READS SQL DATA
BEGIN
  DECLARE n INT;
  SELECT COUNT(*) INTO n FROM orders WHERE user_id = uid;
  RETURN n;
END$$
DELIMITER ;

UPDATE users SET name = CONCAT(name, ' (', order_count(id), ')') WHERE id = 4;
INSERT INTO orders (user_id, note, total, placed_at) VALUES (2, 'direct', 3.50, '2025-02-02 02:02:02')
