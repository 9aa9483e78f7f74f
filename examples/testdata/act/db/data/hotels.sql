INSERT INTO hotels (name, address, stars, description) VALUES
  ('Hotel California', '1967 Can Never Leave Ln, San Fancisco CA, 94016', 3.8, 'Such a lovely place'),
  ('The Galt House', '140 N Fourth St, Louisville, KY 40202', 4, 'On the river');
