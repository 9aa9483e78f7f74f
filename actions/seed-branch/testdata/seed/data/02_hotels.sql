# Rows, with text the mysql client would trip over.
INSERT INTO hotels (name, stars) VALUES
  ('Hotel California', 4),
  ('Grand Budapest 🏨', 5),
  ('Ryokan 旅館 ♨️', 4),
  ('O''Reilly\'s Inn; "quoted" -- not a comment', 2);
CALL add_hotel('Emoji Palace 😀🎉', 5);
