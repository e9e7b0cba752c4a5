"""The pruned Sonar schema we ship is a faithful subset of the real one."""

from __future__ import annotations

from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    build_schema,
    get_named_type,
    print_ast,
    print_schema,
)

from migrator.sonar.prune_schema import (
    LIST_QUERIES,
    PIVOT_RELATIONS,
    PRUNED_SCHEMA_PATH,
    SERVED_QUERIES,
    prune,
)


def pruned() -> GraphQLSchema:
    return build_schema(PRUNED_SCHEMA_PATH.read_text(encoding="utf-8"))


def default_of(value: GraphQLArgument | GraphQLInputField) -> str | None:
    """The declared default as SDL text (``None`` when there is none).

    graphql-core keeps an SDL default as a literal in ``.default``; ``.default_value``
    stays unset for schemas built from SDL, so comparing it would compare nothing.
    """
    if value.default is None:
        return None
    if value.default.literal is not None:
        return print_ast(value.default.literal)
    return repr(value.default.value)


def test_committed_schema_is_what_the_script_generates(real_sonar_schema: GraphQLSchema) -> None:
    committed = PRUNED_SCHEMA_PATH.read_text(encoding="utf-8")
    assert print_schema(prune(real_sonar_schema)) in committed, (
        "migrator/sonar/schema.graphql is stale: run python -m migrator.sonar.prune_schema"
    )


def _check_fields(name: str, ours: GraphQLObjectType | GraphQLInterfaceType, real: object) -> int:
    """Every field of ours is real, with the same type, arguments and defaults."""
    assert isinstance(real, GraphQLObjectType | GraphQLInterfaceType)
    for field_name, field in ours.fields.items():
        real_field = real.fields.get(field_name)
        assert real_field is not None, f"{name}.{field_name} not real"
        assert str(field.type) == str(real_field.type), f"{name}.{field_name} type"
        for arg_name, arg in field.args.items():
            real_arg = real_field.args.get(arg_name)
            where = f"{name}.{field_name}({arg_name})"
            assert real_arg is not None, f"{where} not real"
            assert str(arg.type) == str(real_arg.type), where
            assert default_of(arg) == default_of(real_arg), f"{where} default"
    return len(ours.fields)


def test_every_type_and_field_matches_the_real_schema(real_sonar_schema: GraphQLSchema) -> None:
    ours = pruned()
    checked = 0
    for name, type_ in ours.type_map.items():
        if name.startswith("__"):
            continue
        real = real_sonar_schema.type_map.get(name)
        assert real is not None, f"type {name} is not in the real schema"
        assert type(real) is type(type_), f"{name}: kind differs"
        if isinstance(type_, GraphQLEnumType):
            assert isinstance(real, GraphQLEnumType)
            assert list(type_.values) == list(real.values), f"enum {name} differs"
        elif isinstance(type_, GraphQLInputObjectType):
            assert isinstance(real, GraphQLInputObjectType)
            for field_name, field in type_.fields.items():
                assert field_name in real.fields, f"{name}.{field_name} not real"
                real_field = real.fields[field_name]
                assert str(field.type) == str(real_field.type), f"{name}.{field_name}"
                assert default_of(field) == default_of(real_field), f"{name}.{field_name} default"
                checked += 1
        elif isinstance(type_, GraphQLObjectType | GraphQLInterfaceType):
            checked += _check_fields(name, type_, real)
            assert isinstance(real, GraphQLObjectType | GraphQLInterfaceType)
            real_interfaces = {interface.name for interface in real.interfaces}
            assert {i.name for i in type_.interfaces} <= real_interfaces, f"{name} implements"
        else:
            assert isinstance(type_, GraphQLScalarType)
    assert checked > 400


def served_types(schema: GraphQLSchema) -> dict[str, str]:
    """Entity type name → list query, for the served queries of ``schema``."""
    root = schema.query_type
    assert root is not None
    found = {}
    for query in SERVED_QUERIES:
        connection = get_named_type(root.fields[query].type)
        assert isinstance(connection, GraphQLObjectType)
        found[get_named_type(connection.fields["entities"].type).name] = query
    return found


def relation_target(field: GraphQLField, schema: GraphQLSchema) -> set[str]:
    """The entity types a field leads to: its object type, a connection's entities, or an
    interface's implementations; empty for a leaf."""
    named = get_named_type(field.type)
    if isinstance(named, GraphQLInterfaceType):
        return {t.name for t in schema.get_possible_types(named)}
    if not isinstance(named, GraphQLObjectType):
        return set()
    entities = named.fields.get("entities")
    return {get_named_type(entities.type).name if entities else named.name}


def test_every_relation_between_served_entities_is_kept(real_sonar_schema: GraphQLSchema) -> None:
    """Read from the real schema on its own: a relation leading to a served entity is in the
    pruned schema unless it is a listed pivot, and nothing else is."""
    ours, served = pruned(), served_types(real_sonar_schema)
    assert served == served_types(pruned())
    kept = 0
    for type_name in served:
        real_entity = real_sonar_schema.type_map[type_name]
        our_entity = ours.type_map[type_name]
        assert isinstance(real_entity, GraphQLObjectType)
        assert isinstance(our_entity, GraphQLObjectType)
        for name, field in real_entity.fields.items():
            leads_to = relation_target(field, real_sonar_schema)
            if not leads_to:
                continue
            wanted = bool(leads_to & set(served)) and (type_name, name) not in PIVOT_RELATIONS
            assert (name in our_entity.fields) == wanted, f"{type_name}.{name}"
            kept += wanted
    assert kept > 100
    # The two the public client's calls failed on (issue 11), and a polymorphic one.
    for owner, relation in (("Account", "account_status"), ("AccountService", "service"),
                            ("Contact", "contactable")):  # fmt: skip
        assert relation in ours.get_type(owner).fields  # type: ignore[union-attr]
    for owner, relation in PIVOT_RELATIONS:
        assert relation in real_sonar_schema.get_type(owner).fields  # type: ignore[union-attr]


def test_polymorphic_relations_keep_their_served_implementations(
    real_sonar_schema: GraphQLSchema,
) -> None:
    ours = pruned()
    served = set(served_types(ours))
    interfaces = [t for t in ours.type_map.values() if isinstance(t, GraphQLInterfaceType)]
    assert {"ContactableInterface", "NoteableInterface"} <= {i.name for i in interfaces}
    for interface in interfaces:
        real = real_sonar_schema.type_map[interface.name]
        assert isinstance(real, GraphQLInterfaceType)
        implementations = {t.name for t in real_sonar_schema.get_possible_types(real)}
        assert {t.name for t in ours.get_possible_types(interface)} == implementations & served


def test_defaults_survive_the_pruning(real_sonar_schema: GraphQLSchema) -> None:
    """The reference declares these; a pruning that drops defaults must fail here."""
    ours = pruned()
    accounts = ours.query_type.fields["accounts"]  # type: ignore[union-attr]
    assert default_of(accounts.args["general_search_mode"]) == "ROOT"
    string_field = ours.type_map["SearchStringField"]
    assert isinstance(string_field, GraphQLInputObjectType)
    assert default_of(string_field.fields["partial_matching"]) == "true"
    declared = 0
    for type_ in ours.type_map.values():
        if isinstance(type_, GraphQLInputObjectType):
            declared += sum(default_of(f) is not None for f in type_.fields.values())
        elif isinstance(type_, GraphQLObjectType):
            for field in type_.fields.values():
                declared += sum(default_of(a) is not None for a in field.args.values())
    real_accounts = real_sonar_schema.query_type.fields["accounts"]  # type: ignore[union-attr]
    assert default_of(real_accounts.args["general_search_mode"]) == "ROOT"
    assert declared > len(LIST_QUERIES)


def test_every_list_query_keeps_all_scalar_fields_of_its_entity(
    real_sonar_schema: GraphQLSchema,
) -> None:
    ours = pruned()
    for query in LIST_QUERIES:
        ours_query = ours.query_type.fields[query]  # type: ignore[union-attr]
        real_query = real_sonar_schema.query_type.fields[query]  # type: ignore[union-attr]
        assert str(ours_query.type) == str(real_query.type)
        entity = str(ours_query.type).removesuffix("Connection!")
        ours_entity = ours.type_map[entity]
        real_entity = real_sonar_schema.type_map[entity]
        assert isinstance(ours_entity, GraphQLObjectType)
        assert isinstance(real_entity, GraphQLObjectType)
        real_leaves = {
            name
            for name, field in real_entity.fields.items()
            if isinstance(get_named_type(field.type), GraphQLScalarType | GraphQLEnumType)
        }
        assert real_leaves <= set(ours_entity.fields), f"{entity} lost scalar fields"
