"""The pruned Sonar schema we ship is a faithful subset of the real one."""

from __future__ import annotations

from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    build_schema,
    get_named_type,
    print_ast,
    print_schema,
)

from migrator.sonar.prune_schema import LIST_QUERIES, PRUNED_SCHEMA_PATH, prune


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
        elif isinstance(type_, GraphQLObjectType):
            assert isinstance(real, GraphQLObjectType)
            for field_name, field in type_.fields.items():
                real_field = real.fields.get(field_name)
                assert real_field is not None, f"{name}.{field_name} not real"
                assert str(field.type) == str(real_field.type), f"{name}.{field_name} type"
                for arg_name, arg in field.args.items():
                    real_arg = real_field.args.get(arg_name)
                    assert real_arg is not None, f"{name}.{field_name}({arg_name}) not real"
                    assert str(arg.type) == str(real_arg.type), f"{name}.{field_name}({arg_name})"
                    assert default_of(arg) == default_of(real_arg), (
                        f"{name}.{field_name}({arg_name}) default"
                    )
                checked += 1
        else:
            assert isinstance(type_, GraphQLScalarType)
    assert checked > 400


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
