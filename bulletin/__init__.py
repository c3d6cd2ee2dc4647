"""The assessment committee's monthly bulletin (月度考核通报): HTML, PDF and workbook, from the marts."""

from bulletin.publish import BulletinFiles, write_bulletin

__all__ = ["BulletinFiles", "write_bulletin"]
