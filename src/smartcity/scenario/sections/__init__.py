"""The section models of a scenario file, one module per table; they import only :mod:`smartcity.schema`.

* :mod:`~smartcity.scenario.sections.general` — ``[scenario]``, ``[weather]``, ``[buildings]``;
* :mod:`~smartcity.scenario.sections.supply` — ``[supply]``;
* :mod:`~smartcity.scenario.sections.emissions` — ``[emissions]``;
* :mod:`~smartcity.scenario.sections.transport` — ``[transport]``;
* :mod:`~smartcity.scenario.sections.measures` — ``[measures.<id>]``, by stage;
* :mod:`~smartcity.scenario.sections.uncertainty` — ``[uncertainty.<name>]``.

The models (:mod:`smartcity.energy`, :mod:`smartcity.transport`) receive validated
sections, never import them.
"""
