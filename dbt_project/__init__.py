"""The dbt project, shipped inside the package (its target/ and logs go under the home: DBT_TARGET_PATH)."""
