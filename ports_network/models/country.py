"""Countries of the network, identified by ISO 3166-1 codes; names are translated at display time."""

import gettext
from functools import lru_cache

import pycountry
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import TimestampMixin


@lru_cache(maxsize=8)
def _iso3166_translations(locale: str) -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[locale], fallback=True)


class Country(TimestampMixin, db.Model):
    """A country with ports in the network; `alpha2` is the ISO 3166-1 code."""

    __tablename__ = "country"

    id: Mapped[int] = mapped_column(primary_key=True)
    alpha2: Mapped[str] = mapped_column(sa.String(2), unique=True)
    alpha3: Mapped[str] = mapped_column(sa.String(3), unique=True)
    sela_member: Mapped[bool] = mapped_column(default=True)
    archived: Mapped[bool] = mapped_column(default=False)

    def name_in(self, locale: str) -> str:
        """The country's name translated to a locale through pycountry's ISO 3166 catalogs."""
        record = pycountry.countries.get(alpha_2=self.alpha2)
        if record is None:
            return self.alpha2
        return _iso3166_translations(locale).gettext(record.name)

    def __repr__(self) -> str:
        return f"<Country {self.alpha2}>"
