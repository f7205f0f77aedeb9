using System.Reflection;
using System.Reflection.Emit;

namespace Bridge.Tests.Architecture;

/// <summary>
/// Collects every type a type touches: its signature surface and the tokens in its method bodies
/// (IL), so that a call hidden inside a lambda or an async state machine still counts.
/// </summary>
internal static class TypeReferenceScanner
{
    private const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance |
                                     BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    public static IReadOnlySet<Type> ReferencedTypes(Type type)
    {
        var found = new HashSet<Type>();
        Add(found, type.BaseType);
        foreach (var i in type.GetInterfaces())
        {
            Add(found, i);
        }
        foreach (var f in type.GetFields(All))
        {
            Add(found, f.FieldType);
        }
        foreach (var p in type.GetProperties(All))
        {
            Add(found, p.PropertyType);
        }
        foreach (var e in type.GetEvents(All))
        {
            Add(found, e.EventHandlerType);
        }
        foreach (MethodBase m in type.GetMethods(All).Cast<MethodBase>().Concat(type.GetConstructors(All)))
        {
            if (m is MethodInfo mi)
            {
                Add(found, mi.ReturnType);
            }
            foreach (var p in m.GetParameters())
            {
                Add(found, p.ParameterType);
            }
            ScanBody(m, found);
        }
        return found;
    }

    private static void ScanBody(MethodBase method, HashSet<Type> found)
    {
        MethodBody? body;
        try
        {
            body = method.GetMethodBody();
        }
        catch (InvalidOperationException)
        {
            return;
        }
        if (body is null)
        {
            return;
        }
        foreach (var local in body.LocalVariables)
        {
            Add(found, local.LocalType);
        }
        var il = body.GetILAsByteArray();
        if (il is null)
        {
            return;
        }
        var typeArgs = method.DeclaringType?.IsGenericType == true ? method.DeclaringType.GetGenericArguments() : null;
        var methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        var pos = 0;
        while (pos < il.Length)
        {
            short value = il[pos++];
            if (value == 0xFE)
            {
                value = unchecked((short)(0xFE00 | il[pos++]));
            }
            if (!OpCodesByValue.TryGetValue(value, out var op))
            {
                return; // Unknown opcode: stop rather than misread the rest.
            }
            switch (op.OperandType)
            {
                case OperandType.InlineField:
                case OperandType.InlineMethod:
                case OperandType.InlineTok:
                case OperandType.InlineType:
                    AddToken(method.Module, BitConverter.ToInt32(il, pos), typeArgs, methodArgs, found);
                    pos += 4;
                    break;
                case OperandType.InlineSwitch:
                    pos += 4 + (4 * BitConverter.ToInt32(il, pos));
                    break;
                default:
                    pos += OperandSize(op.OperandType);
                    break;
            }
        }
    }

    private static int OperandSize(OperandType t) => t switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        _ => 4,
    };

    private static void AddToken(Module module, int token, Type[]? typeArgs, Type[]? methodArgs, HashSet<Type> found)
    {
        MemberInfo? member;
        try
        {
            member = module.ResolveMember(token, typeArgs, methodArgs);
        }
        catch (ArgumentException)
        {
            return;
        }
        switch (member)
        {
            case Type t:
                Add(found, t);
                break;
            case FieldInfo f:
                Add(found, f.DeclaringType);
                Add(found, f.FieldType);
                break;
            case MethodBase m:
                Add(found, m.DeclaringType);
                if (m is MethodInfo mi)
                {
                    Add(found, mi.ReturnType);
                    if (mi.IsGenericMethod)
                    {
                        foreach (var g in mi.GetGenericArguments())
                        {
                            Add(found, g);
                        }
                    }
                }
                foreach (var p in m.GetParameters())
                {
                    Add(found, p.ParameterType);
                }
                break;
        }
    }

    private static void Add(HashSet<Type> found, Type? type)
    {
        if (type is null || type.IsGenericParameter || !found.Add(type))
        {
            return;
        }
        if (type.HasElementType)
        {
            Add(found, type.GetElementType());
        }
        if (type.IsGenericType)
        {
            foreach (var g in type.GetGenericArguments())
            {
                Add(found, g);
            }
        }
    }
}
