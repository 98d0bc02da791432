"""The directory: the county's administrative tree (regions), organizations, the address book
(people) and accounts (users), their registries and demo data, and the pages about the county as a
whole (home page, 一张图, region layer). Built on the framework (core/framework/)."""
