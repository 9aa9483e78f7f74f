INSERT INTO orders (hotel_id, nights) VALUES (1, 2), (2, 5);
