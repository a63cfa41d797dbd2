from django.db import models


class SearchWord(models.Model):
    """One distinct word of the searched names (the typo dictionary, salesproc.search.words).

    Rebuilt from the stored search vectors by `refresh_search_words_task`; on
    PostgreSQL a trigram index on word makes "which words look like this typo" a lookup
    in thousands of words instead of a similarity scan over every record's name.
    """

    word = models.CharField(max_length=100, primary_key=True)

    class Meta:
        db_table = "salesproc_searchword"

    def __str__(self):
        return self.word
